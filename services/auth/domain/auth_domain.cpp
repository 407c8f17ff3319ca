#include "auth_domain.h"

#include "fleet/common/error.h"
#include "fleet/common/logging.h"
#include "secrets.h"

namespace fleet::auth {
namespace {

// A refresh token we issue is 43 characters; anything much longer is not worth hashing.
constexpr std::size_t kMaxRefreshTokenBytes = 512;

[[noreturn]] void invalid_credentials() {
  throw DomainError(ErrorCode::kUnauthenticated, "Invalid credentials");
}
[[noreturn]] void invalid_refresh_token() {
  throw DomainError(ErrorCode::kUnauthenticated, "Invalid or expired refresh token");
}

void validate_user_id(std::int64_t user_id) {
  if (user_id <= 0) throw DomainError(ErrorCode::kInvalidArgument, "Invalid user id");
}

std::string refresh_token_hash(std::string_view refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > kMaxRefreshTokenBytes) {
    invalid_refresh_token();
  }
  return sha256_hex(refresh_token);
}

}  // namespace

std::string role_claim(const Account& account) {
  switch (account.role) {
    case Role::kAdmin:
      return "admin";
    case Role::kOperator:
      return "operator";
    default:
      return "user";  // least privilege for anything unexpected
  }
}

AuthDomain::AuthDomain(CredentialRepository& credentials, const PasswordHasher& hasher,
                       const token::Signer& signer, const Clock& clock, AuthOptions options)
    : credentials_(credentials),
      hasher_(hasher),
      signer_(signer),
      clock_(clock),
      options_(std::move(options)),
      public_key_{"EdDSA", signer.public_key_pem(), signer.key_id(), options_.issuer} {}

std::vector<PublishedKey> AuthDomain::published_keys() const {
  std::vector<PublishedKey> keys{{public_key_.key_id, public_key_.public_key_pem, std::nullopt}};
  const auto now = clock_.now();
  for (const auto& retired : options_.retired_keys) {
    if (retired.verify_until > now && retired.key_id != public_key_.key_id) {
      keys.push_back({retired.key_id, retired.public_key_pem, retired.verify_until});
    }
  }
  return keys;
}

AuthDomain::Registered AuthDomain::register_account(UserDirectory& users,
                                                    const NewAccount& new_account,
                                                    std::string_view password,
                                                    bool issue_access_token,
                                                    const CredentialWriter& write_credential) {
  validate_password(password);
  // Hash first: if hashing fails there is no account to undo.
  const std::string hash = hasher_.hash(password);
  Registered result{users.create_user(new_account), {}};
  const std::int64_t user_id = result.account.id;
  try {
    if (write_credential) {
      write_credential(user_id, hash, clock_.now());
    } else {
      credentials_.set_password_hash(user_id, hash, clock_.now());
    }
  } catch (const std::exception& e) {
    // An account nobody can sign in to must not stay behind: undo it, then fail.
    log::error("register_credential_failed", {{"user_id", user_id}, {"cause", e.what()}});
    undo_registration(users, user_id);
    throw;
  }
  if (issue_access_token) result.access_token = signer_.sign(user_id, role_claim(result.account));
  log::info("registered", {{"user_id", user_id}});
  return result;
}

void AuthDomain::undo_registration(UserDirectory& users, std::int64_t user_id) {
  try {
    users.delete_user(user_id);
    log::info("register_compensated", {{"user_id", user_id}});
  } catch (const std::exception& undo) {
    log::error("register_compensation_failed", {{"user_id", user_id}, {"cause", undo.what()}});
  }
}

void AuthDomain::undo_registration_if_uncommitted(UserDirectory& users, std::int64_t user_id) {
  bool committed = false;
  try {
    committed = credentials_.find_password_hash(user_id).has_value();
  } catch (const std::exception& e) {
    log::error("register_outcome_unknown", {{"user_id", user_id}, {"cause", e.what()}});
    return;
  }
  if (!committed) undo_registration(users, user_id);
}

AuthDomain::LoggedIn AuthDomain::login(UserDirectory& users, const LoginIdentifier& identifier,
                                       std::string_view password, bool issue_refresh_token) {
  if (password.empty() || password.size() > kMaxPasswordBytes) invalid_credentials();
  // Unknown account, no credential and a wrong password cost the same argon2id run, so the
  // response time does not tell which accounts exist.
  std::optional<Account> account;
  if (!identifier.value.empty()) account = users.find_user(identifier);
  std::optional<std::string> hash;
  if (account) hash = credentials_.find_password_hash(account->id);
  if (!hash) {
    hasher_.verify_dummy(password);
    log::info("login_failed", {{"reason", account ? "no_credential" : "unknown_account"}});
    invalid_credentials();
  }
  if (!hasher_.verify(*hash, password)) {
    log::info("login_failed", {{"reason", "wrong_password"}, {"user_id", account->id}});
    invalid_credentials();
  }
  // Only after the password proved the caller knows the account.
  if (!account->is_active) {
    log::info("login_failed", {{"reason", "inactive"}, {"user_id", account->id}});
    throw DomainError(ErrorCode::kPermissionDenied, "User is inactive");
  }
  if (hasher_.needs_rehash(*hash)) upgrade_hash(account->id, *hash, password);
  LoggedIn result{*account, signer_.sign(account->id, role_claim(*account)), {}};
  if (issue_refresh_token)
    result.refresh_token = store_new_refresh_token(account->id, new_family_id());
  log::info("login", {{"user_id", account->id}});
  return result;
}

void AuthDomain::upgrade_hash(std::int64_t user_id, const std::string& old_hash,
                              std::string_view password) {
  // The login has already succeeded: a failure here only postpones the upgrade to the next one.
  try {
    const bool replaced =
        credentials_.replace_password_hash(user_id, old_hash, hasher_.hash(password), clock_.now());
    log::info(replaced ? "password_rehashed" : "password_rehash_skipped", {{"user_id", user_id}});
  } catch (const std::exception& e) {
    log::warn("password_rehash_failed", {{"user_id", user_id}, {"cause", e.what()}});
  }
}

std::string AuthDomain::store_new_refresh_token(std::int64_t user_id,
                                                const std::string& family_id) {
  std::string token = new_refresh_token();
  const auto now = clock_.now();
  credentials_.insert_refresh_token(
      {sha256_hex(token), user_id, family_id, now, now + options_.refresh_token_ttl});
  return token;
}

AuthDomain::Refreshed AuthDomain::refresh(UserDirectory& users, std::string_view refresh_token) {
  const std::string hash = refresh_token_hash(refresh_token);
  const auto now = clock_.now();

  // A plain read first, so the account check (a call to the user service) holds no row lock.
  const auto peeked = credentials_.find_refresh_token(hash);
  if (!peeked || peeked->revoked_at || peeked->expires_at <= now) invalid_refresh_token();
  if (!peeked->retired_at) {
    const auto account = users.get_user(peeked->user_id);
    if (!account || !account->is_active) {
      log::info("refresh_failed", {{"reason", "account_unusable"}, {"user_id", peeked->user_id}});
      invalid_refresh_token();
    }
    Refreshed result{signer_.sign(account->id, role_claim(*account)), {}};
    if (!options_.refresh_token_rotation) return result;

    // Rotation: check and retire under the row lock, so two concurrent refreshes with the same
    // token cannot both succeed (the loser sees a retired token: reuse).
    enum class Outcome { kRotated, kInvalid, kReused } outcome = Outcome::kInvalid;
    credentials_.with_locked_refresh_token(hash, [&](RefreshTokenTransaction& tx) {
      outcome = Outcome::kInvalid;
      result.refresh_token.clear();
      const auto& token = tx.token();
      if (!token || token->revoked_at || token->expires_at <= now) return;
      if (token->retired_at) {
        tx.revoke_family(now);
        outcome = Outcome::kReused;
        return;
      }
      tx.retire(now);
      std::string next = new_refresh_token();
      tx.insert({sha256_hex(next), token->user_id, token->family_id, now,
                 now + options_.refresh_token_ttl});
      result.refresh_token = std::move(next);
      outcome = Outcome::kRotated;
    });
    if (outcome == Outcome::kReused) {
      log::warn("refresh_token_reused", {{"user_id", peeked->user_id}});
    }
    if (outcome != Outcome::kRotated) invalid_refresh_token();
    return result;
  }

  // A retired token presented again: someone holds a copy. End that whole login.
  credentials_.with_locked_refresh_token(hash, [&](RefreshTokenTransaction& tx) {
    if (tx.token() && !tx.token()->revoked_at) tx.revoke_family(now);
  });
  log::warn("refresh_token_reused", {{"user_id", peeked->user_id}});
  invalid_refresh_token();
}

void AuthDomain::logout(std::string_view refresh_token) {
  const std::string hash = refresh_token_hash(refresh_token);
  const auto now = clock_.now();
  bool logged_out = false;
  std::int64_t user_id = 0;
  credentials_.with_locked_refresh_token(hash, [&](RefreshTokenTransaction& tx) {
    logged_out = false;
    const auto& token = tx.token();
    if (!token || token->revoked_at || token->expires_at <= now) return;
    user_id = token->user_id;
    if (token->retired_at) {
      tx.revoke_family(now);  // reuse of a retired token: end the login, but still refuse
    } else if (options_.refresh_token_rotation) {
      tx.revoke_family(now);
      logged_out = true;
    } else {
      tx.revoke(now);
      logged_out = true;
    }
  });
  if (!logged_out) invalid_refresh_token();
  log::info("logout", {{"user_id", user_id}});
}

void AuthDomain::set_password(std::int64_t user_id, std::string_view password) {
  validate_user_id(user_id);
  validate_password(password);
  credentials_.set_password_hash(user_id, hasher_.hash(password), clock_.now());
  log::info("password_set", {{"user_id", user_id}});
}

void AuthDomain::delete_credentials(std::int64_t user_id) {
  validate_user_id(user_id);
  credentials_.delete_credentials(user_id);
  log::info("credentials_deleted", {{"user_id", user_id}});
}

bool AuthDomain::ensure_admin_credential(UserDirectory& users, const std::string& username,
                                         std::string_view password) {
  const auto account = users.find_user({LoginIdentifier::Kind::kUsername, username});
  if (!account) return false;
  if (credentials_.find_password_hash(account->id)) return true;
  validate_password(password);
  const bool stored = credentials_.insert_password_hash_if_absent(
      account->id, hasher_.hash(password), clock_.now());
  log::info(stored ? "admin_credential_created" : "admin_credential_exists",
            {{"user_id", account->id}});
  return true;
}

}  // namespace fleet::auth
