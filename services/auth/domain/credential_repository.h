#pragma once
// What the auth service stores: one password hash per account, refresh tokens (by hash only),
// and its token signing key. The MariaDB repository implements it; tests use a fake.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace fleet::auth {

using TimePoint = std::chrono::system_clock::time_point;

struct RefreshTokenRecord {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string family_id;  // one family per login; rotation keeps it
  TimePoint expires_at;
  std::optional<TimePoint> revoked_at;  // logout, password change, reuse detected
  std::optional<TimePoint> retired_at;  // replaced by rotation
};

struct NewRefreshToken {
  std::string token_hash;  // SHA-256 hex of the token
  std::int64_t user_id = 0;
  std::string family_id;
  TimePoint created_at;
  TimePoint expires_at;
};

// One refresh token, its row locked (SELECT … FOR UPDATE) inside an open transaction.
class RefreshTokenTransaction {
 public:
  virtual ~RefreshTokenTransaction() = default;
  // The locked token; nullopt if no token has that hash.
  virtual const std::optional<RefreshTokenRecord>& token() const = 0;
  virtual void retire(TimePoint at) = 0;
  virtual void revoke(TimePoint at) = 0;
  // Revokes every not yet revoked token of the locked token's family.
  virtual void revoke_family(TimePoint at) = 0;
  virtual void insert(const NewRefreshToken& token) = 0;
};

// Credential writes inside a transaction that someone else opened and commits: exactly-once
// registration stores the new credential in the idempotency key's transaction.
class CredentialTransaction {
 public:
  virtual ~CredentialTransaction() = default;
  // As CredentialRepository::set_password_hash, on the open transaction.
  virtual void set_password_hash(std::int64_t user_id, const std::string& hash, TimePoint now) = 0;
};

class CredentialRepository {
 public:
  virtual ~CredentialRepository() = default;

  virtual std::optional<std::string> find_password_hash(std::int64_t user_id) = 0;
  // Inserts or replaces the hash and revokes all of the user's refresh tokens, atomically.
  virtual void set_password_hash(std::int64_t user_id, const std::string& hash, TimePoint now) = 0;
  // Replaces the hash only while it is still `old_hash` (a password change in between wins),
  // keeping the refresh tokens: the password did not change, only its hash's parameters.
  // Returns whether it replaced it.
  virtual bool replace_password_hash(std::int64_t user_id, const std::string& old_hash,
                                     const std::string& new_hash, TimePoint now) = 0;
  // Stores the hash only if the user has none; returns whether it did.
  virtual bool insert_password_hash_if_absent(std::int64_t user_id, const std::string& hash,
                                              TimePoint now) = 0;
  // Removes the user's hash and refresh tokens.
  virtual void delete_credentials(std::int64_t user_id) = 0;

  virtual void insert_refresh_token(const NewRefreshToken& token) = 0;
  // A plain read, no lock.
  virtual std::optional<RefreshTokenRecord> find_refresh_token(const std::string& token_hash) = 0;
  // Runs `work` in one transaction holding the token's row lock: commits when it returns,
  // rolls back when it throws. `work` may run again after a deadlock, so it must only
  // assign (not accumulate) what it reports.
  virtual void with_locked_refresh_token(
      const std::string& token_hash, const std::function<void(RefreshTokenTransaction&)>& work) = 0;
  // Deletes at most `limit` tokens that can no longer matter (refresh_token_pruner.h): expired
  // at `now`, or revoked. Returns how many it deleted.
  virtual std::size_t delete_dead_refresh_tokens(TimePoint now, std::size_t limit) = 0;
};

class SigningKeyStore {
 public:
  virtual ~SigningKeyStore() = default;
  // Stores the key unless one is stored already; returns the stored key's PEM either way, so
  // concurrent first starts agree on one key.
  virtual std::string insert_signing_key_if_absent(const std::string& private_key_pem,
                                                   const std::string& key_id, TimePoint now) = 0;
};

}  // namespace fleet::auth
