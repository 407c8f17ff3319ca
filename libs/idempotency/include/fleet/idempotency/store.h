#pragma once
// Exactly-once effects keyed by (caller, idempotency key), as PLATFORM.md "Idempotency" asks:
//   1. claim: INSERT the key as 'in_flight' in its own short committed transaction. If it exists:
//      'done' with the same fingerprint -> replay the stored response; another fingerprint ->
//      mismatch; 'in_flight' younger than in_flight_timeout -> in flight; older (its owner
//      crashed) -> take it over. Rows older than `retention` do not count.
//   2. the effect runs in a transaction that also marks the key 'done' with the response bytes,
//      so the effect and its stored response commit together or not at all.
//   3. if the effect fails with a client error (a DomainError the caller's request caused: busy,
//      forbidden, not found, invalid; issue 11 item 6), the key is marked 'done' with that error,
//      and a repeat replays it even if the request would succeed now, as Stripe does. Any other
//      failure (unavailable, aborted, internal) deletes the claim so that a retry runs again.
// Each claim carries a random token: an owner whose claim was taken over cannot complete it (its
// effect rolls back), so a slow first request and its takeover never both commit.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "fleet/common/clock.h"
#include "fleet/common/error.h"
#include "fleet/db/db.h"

namespace fleet::idempotency {

// The key table, for the service's migration list: {N, kMigrationName, kMigrationSql}, or
// migration(N) inside a `constexpr db::Migration kMigrations[]`.
inline constexpr std::string_view kMigrationName = "create_idempotency_keys";
inline constexpr std::string_view kMigrationSql =
    "CREATE TABLE IF NOT EXISTS idempotency_keys ("
    " caller VARCHAR(64) NOT NULL,"
    " idem_key VARCHAR(255) NOT NULL,"
    " fingerprint VARCHAR(128) NOT NULL,"
    " state ENUM('in_flight', 'done') NOT NULL,"
    " claim_token BIGINT NOT NULL,"
    " response MEDIUMBLOB NULL,"  // the serialized gRPC response
    " created_at DATETIME(6) NOT NULL,"
    " completed_at DATETIME(6) NULL,"
    " PRIMARY KEY (caller, idem_key),"
    " KEY ix_idempotency_keys_created_at (created_at)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
constexpr db::Migration migration(int version) {
  return db::Migration{version, kMigrationName, kMigrationSql};
}
// The columns of a stored client error, for the list after migration(N): error_migration(N+k).
inline constexpr std::string_view kErrorMigrationName = "add_idempotency_keys_error";
inline constexpr std::string_view kErrorMigrationSql =
    "ALTER TABLE idempotency_keys"
    " ADD COLUMN IF NOT EXISTS error_code VARCHAR(32) NULL,"  // error_name(), NULL: a response
    " ADD COLUMN IF NOT EXISTS error_message TEXT NULL";
constexpr db::Migration error_migration(int version) {
  return db::Migration{version, kErrorMigrationName, kErrorMigrationSql};
}

// Column limits of the table; longer values are rejected (INVALID_ARGUMENT).
inline constexpr std::size_t kMaxCallerLength = 64;
inline constexpr std::size_t kMaxKeyLength = 255;
inline constexpr std::size_t kMaxFingerprintLength = 128;

// The client-safe texts of the two refusals.
inline constexpr std::string_view kMismatchText =
    "Idempotency key was used with a different request";
inline constexpr std::string_view kInFlightText =
    "A request with this idempotency key is in progress";

struct Key {
  std::string caller;       // who asked (the caller's user id); keys are per caller
  std::string key;          // the client's idempotency key
  std::string fingerprint;  // identifies the request (hex SHA-256 of method, path and body)
};

enum class Outcome {
  kFresh,     // the effect ran now (or there was no key)
  kReplayed,  // an earlier identical request completed; `response` holds its stored bytes
  kReplayedError,  // an earlier identical request failed with a client error: `error` it is
  kMismatch,  // the key was used with a different request
  kInFlight,  // the first request with this key has not finished yet
};

struct Options {
  std::chrono::seconds in_flight_timeout{60};
  std::chrono::seconds retention{std::chrono::hours{24}};
  std::chrono::seconds purge_interval{std::chrono::hours{1}};
};

class Store {
 public:
  Store(db::Pool& pool, const Clock& clock, Options options = {});

  struct Result {
    Outcome outcome;
    std::string response;  // kFresh: the effect's bytes; kReplayed: the stored bytes
    std::optional<DomainError> error;  // kReplayedError: the first request's error
  };
  // The effect does its work on the connection (inside the transaction) and returns the response
  // bytes to store; it may run more than once if the transaction hits a deadlock and is retried,
  // so it must start from scratch each time. Without a key it simply runs in a transaction.
  // Errors of the effect propagate after the claim is stored (a client error) or released.
  // Throws DomainError
  // INVALID_ARGUMENT for a key, caller or fingerprint longer than its column.
  using Effect = std::function<std::string(db::Connection&)>;
  Result run(const std::optional<Key>& key, const Effect& effect);

  // Deletes rows older than the retention; returns how many. run() calls it now and then.
  std::uint64_t purge();

 private:
  struct Claim {
    Outcome outcome;
    std::int64_t token = 0;
    std::string response;
    std::optional<DomainError> error;
  };
  Claim claim(const Key& key);
  void complete(db::Connection& conn, const Key& key, std::int64_t token,
                const std::string& response);
  void release(const Key& key, std::int64_t token);
  void release_quietly(const Key& key, std::int64_t token);
  void fail(const Key& key, std::int64_t token, const DomainError& error);
  void maybe_purge(Clock::time_point now);

  db::Pool& pool_;
  const Clock& clock_;
  Options options_;
  std::atomic<Clock::time_point::rep> next_purge_{0};
};

}  // namespace fleet::idempotency
