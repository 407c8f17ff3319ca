#pragma once
// The auth service's rules: registration (with compensation), login, access tokens, refresh
// tokens (reuse by default, rotation with reuse detection when enabled), logout, password
// changes, and the admin credential bootstrap. Every failure a client may see is a DomainError
// with a fixed text; no password, hash or token ever appears in one.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "credential_repository.h"
#include "fleet/common/clock.h"
#include "fleet/token/jwt.h"
#include "password_hasher.h"
#include "signing_key.h"
#include "user_directory.h"

namespace fleet::auth {

struct AuthOptions {
  std::chrono::seconds refresh_token_ttl{2'592'000};  // 30 days
  bool refresh_token_rotation = false;
  std::string issuer = "fleetgate";
  // Previous signing keys, published until their verify_until (signing_key.h).
  std::vector<RetiredKey> retired_keys;
};

struct PublicKeyInfo {
  std::string algorithm;  // "EdDSA"
  std::string public_key_pem;
  std::string key_id;
  std::string issuer;
};

// A key a token may be verified with; verify_until unset for the signing key.
struct PublishedKey {
  std::string key_id;
  std::string public_key_pem;
  std::optional<TimePoint> verify_until;
};

// The JWT "role" claim for an account: "user", "operator" or "admin".
std::string role_claim(const Account& account);

class AuthDomain {
 public:
  AuthDomain(CredentialRepository& credentials, const PasswordHasher& hasher,
             const token::Signer& signer, const Clock& clock, AuthOptions options);

  struct Registered {
    Account account;
    std::string access_token;  // empty unless asked for
  };
  // Stores a new account's password hash. Without one, the repository stores it on its own;
  // exactly-once registration passes one that writes inside the idempotency key's transaction.
  using CredentialWriter =
      std::function<void(std::int64_t user_id, const std::string& hash, TimePoint now)>;
  // Creates the account, then stores its credential; if that fails, the account is deleted
  // again (undo_registration) and the error propagates.
  Registered register_account(UserDirectory& users, const NewAccount& account,
                              std::string_view password, bool issue_access_token,
                              const CredentialWriter& write_credential = {});
  // Deletes an account created by register_account whose credential was not stored; logs, never
  // throws (the caller is already failing).
  void undo_registration(UserDirectory& users, std::int64_t user_id);
  // After a registration whose commit was not confirmed (e.g. the connection was lost during
  // it): undoes the account only if its credential is absent, i.e. the commit did not happen.
  // If the database cannot tell, the account is left alone and the case is logged.
  void undo_registration_if_uncommitted(UserDirectory& users, std::int64_t user_id);

  struct LoggedIn {
    Account account;
    std::string access_token;
    std::string refresh_token;  // empty unless asked for
  };
  // A stored hash made with other parameters than the hasher's is replaced by a new one at a
  // successful login (never at a failed one).
  LoggedIn login(UserDirectory& users, const LoginIdentifier& identifier, std::string_view password,
                 bool issue_refresh_token);

  struct Refreshed {
    std::string access_token;
    std::string refresh_token;  // set only with rotation
  };
  Refreshed refresh(UserDirectory& users, std::string_view refresh_token);
  void logout(std::string_view refresh_token);

  // Upserts the hash and revokes the user's refresh tokens.
  void set_password(std::int64_t user_id, std::string_view password);
  void delete_credentials(std::int64_t user_id);

  // Returns true once the account `username` exists and has a credential; stores the hash of
  // `password` only if it has none (an existing credential is never overwritten). Returns
  // false while the user service does not know the account yet.
  bool ensure_admin_credential(UserDirectory& users, const std::string& username,
                               std::string_view password);

  const PublicKeyInfo& public_key() const noexcept { return public_key_; }
  // The signing key, then every retired key whose verify_until is still ahead of the clock.
  std::vector<PublishedKey> published_keys() const;
  std::chrono::seconds access_token_ttl() const { return signer_.ttl(); }

 private:
  std::string store_new_refresh_token(std::int64_t user_id, const std::string& family_id);
  // Stores a hash of `password` with the current parameters in place of `old_hash`.
  void upgrade_hash(std::int64_t user_id, const std::string& old_hash, std::string_view password);

  CredentialRepository& credentials_;
  const PasswordHasher& hasher_;
  const token::Signer& signer_;
  const Clock& clock_;
  AuthOptions options_;
  PublicKeyInfo public_key_;  // fixed for the life of the process
};

}  // namespace fleet::auth
