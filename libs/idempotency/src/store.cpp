#include "fleet/idempotency/store.h"

#include <mutex>
#include <random>

#include "fleet/common/error.h"
#include "fleet/common/logging.h"

namespace fleet::idempotency {
namespace {

// A claim token: random, positive, fits a signed BIGINT.
std::int64_t new_token() {
  static std::mutex mutex;
  static std::mt19937_64 engine{std::random_device{}()};
  std::lock_guard lock(mutex);
  return static_cast<std::int64_t>(engine() >> 2) + 1;
}

void validate(const Key& key) {
  if (key.caller.size() > kMaxCallerLength || key.key.size() > kMaxKeyLength ||
      key.fingerprint.size() > kMaxFingerprintLength) {
    throw DomainError(ErrorCode::kInvalidArgument, "Invalid idempotency key");
  }
}

// The errors a request itself causes, which a repeat of the same request would meet again: kept
// with the key. Unavailable, aborted and internal ones are the platform's, and a retry should run.
std::optional<std::string_view> client_error_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kAlreadyExists:
      return "already_exists";
    case ErrorCode::kPermissionDenied:
      return "permission_denied";
    case ErrorCode::kUnauthenticated:
      return "unauthenticated";
    case ErrorCode::kFailedPrecondition:
      return "failed_precondition";
    case ErrorCode::kAborted:
    case ErrorCode::kUnavailable:
    case ErrorCode::kInternal:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<ErrorCode> client_error_code(std::string_view name) {
  for (auto code : {ErrorCode::kInvalidArgument, ErrorCode::kNotFound, ErrorCode::kAlreadyExists,
                    ErrorCode::kPermissionDenied, ErrorCode::kUnauthenticated,
                    ErrorCode::kFailedPrecondition}) {
    if (client_error_name(code) == name) return code;
  }
  return std::nullopt;
}

}  // namespace

Store::Store(db::Pool& pool, const Clock& clock, Options options)
    : pool_(pool), clock_(clock), options_(options) {}

Store::Result Store::run(const std::optional<Key>& key, const Effect& effect) {
  if (!key) return {Outcome::kFresh, pool_.transact(effect), std::nullopt};
  validate(*key);
  Claim claimed = claim(*key);
  if (claimed.outcome != Outcome::kFresh) {
    return {claimed.outcome, std::move(claimed.response), std::move(claimed.error)};
  }
  try {
    std::string response = pool_.transact([&](db::Connection& conn) {
      std::string bytes = effect(conn);
      complete(conn, *key, claimed.token, bytes);
      return bytes;
    });
    return {Outcome::kFresh, std::move(response), std::nullopt};
  } catch (const DomainError& e) {
    if (client_error_name(e.code())) {
      fail(*key, claimed.token, e);
    } else {
      release_quietly(*key, claimed.token);
    }
    throw;
  } catch (...) {
    release_quietly(*key, claimed.token);
    throw;
  }
}

void Store::release_quietly(const Key& key, std::int64_t token) {
  // Let a retry run the effect again. If the commit did happen (a connection lost after COMMIT),
  // the row is 'done' and this deletes nothing.
  try {
    release(key, token);
  } catch (const std::exception& e) {
    log::warn("idempotency_release_failed", {{"cause", e.what()}});
  }
}

Store::Claim Store::claim(const Key& key) {
  const auto now = clock_.now();
  maybe_purge(now);
  const std::string at = db::format_datetime(now);
  const std::int64_t token = new_token();
  auto conn = pool_.acquire();  // autocommit: each statement commits by itself
  // A few rounds: the row we collide with may be released or taken over between statements.
  for (int round = 0; round < 5; ++round) {
    try {
      conn->execute(
          "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, state, claim_token,"
          " created_at) VALUES (?, ?, ?, 'in_flight', ?, ?)",
          {key.caller, key.key, key.fingerprint, token, at});
      return {Outcome::kFresh, token, {}, std::nullopt};
    } catch (const db::DuplicateKey&) {
    }
    const auto row = conn->query_one(
        "SELECT fingerprint, state, response, created_at, claim_token, error_code, error_message"
        " FROM idempotency_keys"
        " WHERE caller = ? AND idem_key = ?",
        {key.caller, key.key});
    if (!row) continue;  // released meanwhile
    const auto created_at = db::parse_datetime(row->str(3));
    if (created_at > now - options_.retention) {
      if (row->str(0) != key.fingerprint) return {Outcome::kMismatch, 0, {}, std::nullopt};
      if (row->str(1) == "done") {
        if (const auto error = row->opt(5)) {
          const auto code = client_error_code(*error);
          return {Outcome::kReplayedError, 0, {},
                  DomainError(code.value_or(ErrorCode::kInvalidArgument),
                              row->opt(6).value_or(""))};
        }
        return {Outcome::kReplayed, 0, row->opt(2).value_or(""), std::nullopt};
      }
      if (created_at > now - options_.in_flight_timeout) {
        return {Outcome::kInFlight, 0, {}, std::nullopt};
      }
      log::warn("idempotency_claim_taken_over", {{"caller", key.caller}});
    }
    // Expired, or an in-flight claim whose owner is presumed dead: take it over, unless someone
    // else changed the row since we read it. The state is compared too: the owner completes
    // without changing the token, and a takeover of a row completed meanwhile (by another
    // replica, or a slow owner that committed after all) would run the effect a second time.
    const auto taken = conn->execute(
        "UPDATE idempotency_keys SET fingerprint = ?, state = 'in_flight', claim_token = ?,"
        " response = NULL, error_code = NULL, error_message = NULL, created_at = ?,"
        " completed_at = NULL"
        " WHERE caller = ? AND idem_key = ? AND claim_token = ? AND state = ?",
        {key.fingerprint, token, at, key.caller, key.key, row->i64(4), row->str(1)});
    if (taken == 1) return {Outcome::kFresh, token, {}, std::nullopt};
  }
  return {Outcome::kInFlight, 0, {}, std::nullopt};
}

void Store::complete(db::Connection& conn, const Key& key, std::int64_t token,
                     const std::string& response) {
  const auto updated = conn.execute(
      "UPDATE idempotency_keys SET state = 'done', response = ?, completed_at = ?"
      " WHERE caller = ? AND idem_key = ? AND claim_token = ? AND state = 'in_flight'",
      {response, db::format_datetime(clock_.now()), key.caller, key.key, token});
  // Our claim was taken over while the effect ran (we were slower than in_flight_timeout):
  // roll the effect back rather than apply it twice.
  if (updated != 1) {
    throw DomainError(ErrorCode::kAborted, std::string(kInFlightText));
  }
}

void Store::fail(const Key& key, std::int64_t token, const DomainError& error) {
  // Its own statement: the effect's transaction rolled back. If it cannot be stored, the claim
  // is released instead, as before: a repeat then runs again.
  try {
    const auto stored = pool_.acquire()->execute(
        "UPDATE idempotency_keys SET state = 'done', error_code = ?, error_message = ?,"
        " completed_at = ? WHERE caller = ? AND idem_key = ? AND claim_token = ?"
        " AND state = 'in_flight'",
        {std::string(*client_error_name(error.code())), std::string(error.what()),
         db::format_datetime(clock_.now()), key.caller, key.key, token});
    if (stored == 1) return;
  } catch (const std::exception& e) {
    log::warn("idempotency_store_error_failed", {{"cause", e.what()}});
  }
  release_quietly(key, token);
}

void Store::release(const Key& key, std::int64_t token) {
  pool_.acquire()->execute(
      "DELETE FROM idempotency_keys WHERE caller = ? AND idem_key = ? AND claim_token = ?"
      " AND state = 'in_flight'",
      {key.caller, key.key, token});
}

std::uint64_t Store::purge() {
  const auto cutoff = clock_.now() - options_.retention;
  return pool_.acquire()->execute("DELETE FROM idempotency_keys WHERE created_at <= ?",
                                  {db::format_datetime(cutoff)});
}

void Store::maybe_purge(Clock::time_point now) {
  auto due = next_purge_.load();
  const auto next = (now + options_.purge_interval).time_since_epoch().count();
  if (now.time_since_epoch().count() < due || !next_purge_.compare_exchange_strong(due, next)) {
    return;  // not yet, or another thread is purging
  }
  try {
    if (const auto purged = purge(); purged > 0) {
      log::info("idempotency_keys_purged", {{"rows", static_cast<std::int64_t>(purged)}});
    }
  } catch (const std::exception& e) {
    log::warn("idempotency_purge_failed", {{"cause", e.what()}});
  }
}

}  // namespace fleet::idempotency
