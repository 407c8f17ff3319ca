// Unit tests of the auth domain with in-memory fakes, a ManualClock and real argon2id.
#include <sodium.h>

#include <catch2/catch.hpp>
#include <thread>

#include "domain/auth_domain.h"
#include "domain/secrets.h"
#include "domain/signing_key.h"
#include "fakes.h"

using namespace fleet::auth;
using fleet::DomainError;
using fleet::ErrorCode;
using fleet::auth::testing::FakeCredentialRepository;
using fleet::auth::testing::FakeUserDirectory;
using Kind = LoginIdentifier::Kind;
using namespace std::chrono_literals;

namespace {

// One hasher for the whole run: its constructor spends one argon2id run on the dummy hash.
const PasswordHasher& hasher() {
  static const PasswordHasher instance;
  return instance;
}

constexpr std::string_view kPassword = "correct horse battery staple";

// A hash as stored before the OWASP setting: libsodium's "interactive" preset (m=64 MiB).
std::string interactive_hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str_alg(out, password.data(), password.size(),
                                crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                crypto_pwhash_MEMLIMIT_INTERACTIVE,
                                crypto_pwhash_ALG_ARGON2ID13) == 0);
  return out;
}

struct Fixture {
  explicit Fixture(bool rotation = false)
      : key(load_or_create_signing_key(repo, clock)),
        signer(key.private_key_pem, "fleetgate", key.key_id, 3600s, clock),
        verifier(key.public_key_pem, "fleetgate", clock),
        domain(repo, hasher(), signer, clock,
               {std::chrono::hours(24 * 30), rotation, "fleetgate", {}}) {}

  // An account with a credential, as registration leaves it.
  Account add_user(const std::string& username, Role role = Role::kUser) {
    NewAccount n;
    n.username = username;
    n.email = username + "@example.com";
    n.phone = "555" + std::to_string(users.accounts.size() + 1000);
    n.role = role;
    return domain.register_account(users, n, kPassword, false).account;
  }
  std::string login_refresh(const std::string& username) {
    return domain.login(users, {Kind::kUsername, username}, kPassword, true).refresh_token;
  }

  fleet::ManualClock clock;
  FakeCredentialRepository repo;
  FakeUserDirectory users;
  SigningKey key;
  fleet::token::Signer signer;
  fleet::token::Verifier verifier;
  AuthDomain domain;
};

// Runs fn, expecting a DomainError; returns it for inspection.
template <class Fn>
DomainError domain_error(Fn&& fn) {
  try {
    fn();
  } catch (const DomainError& e) {
    return e;
  }
  FAIL("expected a DomainError");
  throw std::logic_error("unreachable");
}

void check_error(const DomainError& e, ErrorCode code, const std::string& text) {
  CHECK(e.code() == code);
  CHECK(std::string(e.what()) == text);
}

}  // namespace

TEST_CASE("login works by username, email and phone", "[auth]") {
  Fixture f;
  const Account alice = f.add_user("alice", Role::kOperator);
  for (const LoginIdentifier& id : {LoginIdentifier{Kind::kUsername, "alice"},
                                    LoginIdentifier{Kind::kEmail, "alice@example.com"},
                                    LoginIdentifier{Kind::kPhone, *alice.phone}}) {
    const auto result = f.domain.login(f.users, id, kPassword, false);
    CHECK(result.account.id == alice.id);
    CHECK(result.refresh_token.empty());
    const auto claims = f.verifier.verify(result.access_token);
    REQUIRE(claims);
    CHECK(claims.claims->user_id == alice.id);
    CHECK(claims.claims->role == "operator");
  }
  CHECK(f.domain.access_token_ttl() == 3600s);
}

TEST_CASE("the access token role follows the account role", "[auth]") {
  Account a;
  CHECK(role_claim(a) == "user");
  a.role = Role::kUser;
  CHECK(role_claim(a) == "user");
  a.role = Role::kOperator;
  CHECK(role_claim(a) == "operator");
  a.role = Role::kAdmin;
  CHECK(role_claim(a) == "admin");
}

TEST_CASE(
    "a wrong password, an unknown user and a missing credential are all 'Invalid credentials'",
    "[auth]") {
  Fixture f;
  f.add_user("alice");
  check_error(domain_error([&] {
                f.domain.login(f.users, {Kind::kUsername, "alice"}, "nope", true);
              }),
              ErrorCode::kUnauthenticated, "Invalid credentials");
  check_error(domain_error([&] {
                f.domain.login(f.users, {Kind::kUsername, "bob"}, kPassword, true);
              }),
              ErrorCode::kUnauthenticated, "Invalid credentials");
  check_error(domain_error([&] {
                f.domain.login(f.users, {Kind::kEmail, ""}, kPassword, true);
              }),
              ErrorCode::kUnauthenticated, "Invalid credentials");
  check_error(domain_error([&] {
                f.domain.login(f.users, {Kind::kUsername, "alice"}, "", true);
              }),
              ErrorCode::kUnauthenticated, "Invalid credentials");
  // An account the user service knows but that has no credential here.
  NewAccount n;
  n.username = "carol";
  f.users.create_user(n);
  check_error(domain_error([&] {
                f.domain.login(f.users, {Kind::kUsername, "carol"}, kPassword, true);
              }),
              ErrorCode::kUnauthenticated, "Invalid credentials");
  CHECK(f.repo.tokens.empty());
}

TEST_CASE("an inactive account is refused only after its password verified", "[auth]") {
  Fixture f;
  const Account alice = f.add_user("alice");
  f.users.account(alice.id).is_active = false;
  check_error(domain_error([&] {
                f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, true);
              }),
              ErrorCode::kPermissionDenied, "User is inactive");
  check_error(domain_error([&] {
                f.domain.login(f.users, {Kind::kUsername, "alice"}, "nope", true);
              }),
              ErrorCode::kUnauthenticated, "Invalid credentials");
  CHECK(f.repo.tokens.empty());
}

TEST_CASE("register creates the account, stores an argon2id hash and can sign in", "[auth]") {
  Fixture f;
  NewAccount n;
  n.username = "dave";
  n.role = Role::kAdmin;
  const auto registered = f.domain.register_account(f.users, n, kPassword, true);
  CHECK(registered.account.username == "dave");
  const auto claims = f.verifier.verify(registered.access_token);
  REQUIRE(claims);
  CHECK(claims.claims->user_id == registered.account.id);
  CHECK(claims.claims->role == "admin");

  const std::string& hash = f.repo.hashes.at(registered.account.id);
  CHECK(hash.rfind("$argon2id$", 0) == 0);
  CHECK(hash.find(kPassword) == std::string::npos);
  CHECK(f.domain.login(f.users, {Kind::kUsername, "dave"}, kPassword, false).account.id ==
        registered.account.id);

  // Without asking, no token.
  NewAccount other;
  other.username = "erin";
  CHECK(f.domain.register_account(f.users, other, kPassword, false).access_token.empty());
}

TEST_CASE("register passes the user service's refusals through and validates the password",
          "[auth]") {
  Fixture f;
  f.add_user("alice");
  NewAccount n;
  n.username = "alice";
  check_error(domain_error([&] { f.domain.register_account(f.users, n, kPassword, false); }),
              ErrorCode::kAlreadyExists, "Username already exists");
  n.username = "zed";
  for (const std::string& bad : {std::string(), std::string(1025, 'x')}) {
    check_error(domain_error([&] { f.domain.register_account(f.users, n, bad, false); }),
                ErrorCode::kInvalidArgument, "Password must be 1 to 1024 characters");
  }
  CHECK_NOTHROW(f.domain.register_account(f.users, n, std::string(1024, 'x'), false));
  CHECK(f.users.accounts.size() == 2);
}

TEST_CASE("register deletes the new account when its credential cannot be stored", "[auth]") {
  Fixture f;
  f.repo.fail_writes = true;
  NewAccount n;
  n.username = "frank";
  CHECK_THROWS_AS(f.domain.register_account(f.users, n, kPassword, true), std::runtime_error);
  CHECK(f.users.accounts.empty());
  REQUIRE(f.users.deleted.size() == 1);
  CHECK(f.repo.hashes.empty());
  // The username is free again.
  f.repo.fail_writes = false;
  CHECK_NOTHROW(f.domain.register_account(f.users, n, kPassword, false));
}

TEST_CASE("by default a refresh token works again and again", "[auth]") {
  Fixture f;
  const Account alice = f.add_user("alice");
  const std::string refresh = f.login_refresh("alice");
  CHECK(refresh.size() == 43);  // 32 bytes, base64url without padding
  for (int i = 0; i < 3; ++i) {
    f.clock.advance(10min);
    const auto result = f.domain.refresh(f.users, refresh);
    CHECK(result.refresh_token.empty());
    const auto claims = f.verifier.verify(result.access_token);
    REQUIRE(claims);
    CHECK(claims.claims->user_id == alice.id);
    CHECK(claims.claims->issued_at == f.clock.now());
  }
  // Only its hash is stored.
  REQUIRE(f.repo.tokens.size() == 1);
  CHECK(f.repo.tokens[0].hash == sha256_hex(refresh));
  CHECK(f.repo.tokens[0].hash != refresh);
}

TEST_CASE("refresh re-checks the account and signs its current role", "[auth]") {
  Fixture f;
  const Account alice = f.add_user("alice");
  const std::string refresh = f.login_refresh("alice");

  f.users.account(alice.id).role = Role::kAdmin;
  CHECK(f.verifier.verify(f.domain.refresh(f.users, refresh).access_token).claims->role == "admin");

  f.users.account(alice.id).is_active = false;
  check_error(domain_error([&] { f.domain.refresh(f.users, refresh); }),
              ErrorCode::kUnauthenticated, "Invalid or expired refresh token");
  f.users.account(alice.id).is_active = true;
  CHECK_NOTHROW(f.domain.refresh(f.users, refresh));

  f.users.accounts.erase(alice.id);
  check_error(domain_error([&] { f.domain.refresh(f.users, refresh); }),
              ErrorCode::kUnauthenticated, "Invalid or expired refresh token");
}

TEST_CASE("unknown, garbage and expired refresh tokens are refused", "[auth]") {
  Fixture f;
  f.add_user("alice");
  const std::string refresh = f.login_refresh("alice");
  for (const std::string& bad :
       {std::string(), std::string("nope"), std::string(600, 'a'), new_refresh_token()}) {
    check_error(domain_error([&] { f.domain.refresh(f.users, bad); }), ErrorCode::kUnauthenticated,
                "Invalid or expired refresh token");
    check_error(domain_error([&] { f.domain.logout(bad); }), ErrorCode::kUnauthenticated,
                "Invalid or expired refresh token");
  }
  f.clock.advance(std::chrono::hours(24 * 30) - 1s);
  CHECK_NOTHROW(f.domain.refresh(f.users, refresh));
  f.clock.advance(1s);  // expires_at <= now
  check_error(domain_error([&] { f.domain.refresh(f.users, refresh); }),
              ErrorCode::kUnauthenticated, "Invalid or expired refresh token");
  check_error(domain_error([&] { f.domain.logout(refresh); }), ErrorCode::kUnauthenticated,
              "Invalid or expired refresh token");
}

TEST_CASE("logout revokes the refresh token", "[auth]") {
  Fixture f;
  f.add_user("alice");
  const std::string first = f.login_refresh("alice");
  const std::string second = f.login_refresh("alice");
  f.domain.logout(first);
  check_error(domain_error([&] { f.domain.refresh(f.users, first); }), ErrorCode::kUnauthenticated,
              "Invalid or expired refresh token");
  check_error(domain_error([&] { f.domain.logout(first); }), ErrorCode::kUnauthenticated,
              "Invalid or expired refresh token");
  // Another login of the same user is unaffected.
  CHECK_NOTHROW(f.domain.refresh(f.users, second));
}

TEST_CASE("with rotation each refresh returns a new token and retires the old one", "[auth]") {
  Fixture f(/*rotation=*/true);
  f.add_user("alice");
  const std::string other_login = f.login_refresh("alice");
  const std::string first = f.login_refresh("alice");

  const auto r1 = f.domain.refresh(f.users, first);
  REQUIRE_FALSE(r1.refresh_token.empty());
  CHECK(r1.refresh_token != first);
  CHECK(f.verifier.verify(r1.access_token));
  const auto r2 = f.domain.refresh(f.users, r1.refresh_token);
  REQUIRE_FALSE(r2.refresh_token.empty());

  SECTION("presenting a retired token fails and revokes the whole family") {
    check_error(domain_error([&] { f.domain.refresh(f.users, first); }),
                ErrorCode::kUnauthenticated, "Invalid or expired refresh token");
    check_error(domain_error([&] { f.domain.refresh(f.users, r2.refresh_token); }),
                ErrorCode::kUnauthenticated, "Invalid or expired refresh token");
    // The other login (another family) still works.
    CHECK_FALSE(f.domain.refresh(f.users, other_login).refresh_token.empty());
  }
  SECTION("logout with a retired token also ends the family but is refused") {
    check_error(domain_error([&] { f.domain.logout(r1.refresh_token); }),
                ErrorCode::kUnauthenticated, "Invalid or expired refresh token");
    CHECK_THROWS_AS(f.domain.refresh(f.users, r2.refresh_token), DomainError);
  }
  SECTION("logout revokes the family") {
    f.domain.logout(r2.refresh_token);
    CHECK_THROWS_AS(f.domain.refresh(f.users, r2.refresh_token), DomainError);
    CHECK_FALSE(f.domain.refresh(f.users, other_login).refresh_token.empty());
  }
}

TEST_CASE("with rotation two concurrent refreshes of one token cannot both succeed", "[auth]") {
  Fixture f(/*rotation=*/true);
  f.add_user("alice");
  for (int round = 0; round < 20; ++round) {
    const std::string token = f.login_refresh("alice");
    std::atomic<int> successes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&] {
        try {
          f.domain.refresh(f.users, token);
          ++successes;
        } catch (const DomainError&) {
        }
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(successes <= 1);
  }
}

TEST_CASE("set_password replaces the hash and revokes the user's refresh tokens", "[auth]") {
  Fixture f;
  const Account alice = f.add_user("alice");
  const Account bob = f.add_user("bob");
  const std::string alice_refresh = f.login_refresh("alice");
  const std::string bob_refresh = f.login_refresh("bob");
  const std::string old_hash = f.repo.hashes.at(alice.id);

  f.domain.set_password(alice.id, "a new password");
  CHECK(f.repo.hashes.at(alice.id) != old_hash);
  CHECK(f.repo.hashes.at(alice.id).rfind("$argon2id$", 0) == 0);
  CHECK_THROWS_AS(f.domain.refresh(f.users, alice_refresh), DomainError);
  CHECK_NOTHROW(f.domain.refresh(f.users, bob_refresh));
  CHECK_THROWS_AS(f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, false),
                  DomainError);
  CHECK_NOTHROW(f.domain.login(f.users, {Kind::kUsername, "alice"}, "a new password", false));

  check_error(domain_error([&] { f.domain.set_password(alice.id, ""); }),
              ErrorCode::kInvalidArgument, "Password must be 1 to 1024 characters");
  check_error(domain_error([&] { f.domain.set_password(0, "x"); }), ErrorCode::kInvalidArgument,
              "Invalid user id");
  // Upsert: an account without a credential gets one.
  NewAccount n;
  n.username = "carol";
  const Account carol = f.users.create_user(n);
  f.domain.set_password(carol.id, "carols");
  CHECK_NOTHROW(f.domain.login(f.users, {Kind::kUsername, "carol"}, "carols", false));
}

TEST_CASE("delete_credentials removes the hash and the refresh tokens", "[auth]") {
  Fixture f;
  const Account alice = f.add_user("alice");
  const std::string refresh = f.login_refresh("alice");
  f.domain.delete_credentials(alice.id);
  CHECK(f.repo.hashes.empty());
  CHECK(f.repo.tokens.empty());
  CHECK_THROWS_AS(f.domain.refresh(f.users, refresh), DomainError);
  CHECK_THROWS_AS(f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, false),
                  DomainError);
  CHECK_NOTHROW(f.domain.delete_credentials(alice.id));  // idempotent
}

TEST_CASE("hashes are made with OWASP's argon2id setting: m=19 MiB, t=2, p=1", "[auth]") {
  const auto hash = hasher().hash("pw");
  CHECK(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK_FALSE(hasher().needs_rehash(hash));
  CHECK(hasher().needs_rehash(interactive_hash("pw")));  // libsodium's 64 MiB preset
  CHECK(hasher().needs_rehash("not a hash"));
}

TEST_CASE("a successful login replaces a hash made with other parameters, keeping refresh tokens",
          "[auth][rehash]") {
  Fixture f;
  const auto alice = f.add_user("alice");
  const std::string old_hash = interactive_hash(kPassword);
  f.repo.hashes[alice.id] = old_hash;
  const auto refresh = f.login_refresh("alice");

  // The login that found the old hash replaced it; its own refresh token still works.
  const std::string& upgraded = f.repo.hashes.at(alice.id);
  CHECK(upgraded.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
  CHECK(hasher().verify(upgraded, kPassword));
  CHECK_NOTHROW(f.domain.refresh(f.users, refresh));
  // Current hashes are left alone.
  const std::string current = upgraded;
  f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, false);
  CHECK(f.repo.hashes.at(alice.id) == current);
}

TEST_CASE("a failed login rehashes nothing", "[auth][rehash]") {
  Fixture f;
  const auto alice = f.add_user("alice");
  const std::string old_hash = interactive_hash(kPassword);
  f.repo.hashes[alice.id] = old_hash;
  CHECK_THROWS_AS(f.domain.login(f.users, {Kind::kUsername, "alice"}, "wrong", false),
                  DomainError);
  CHECK(f.repo.hashes.at(alice.id) == old_hash);
}

TEST_CASE("a login whose rehash cannot be stored still succeeds", "[auth][rehash]") {
  Fixture f;
  const auto alice = f.add_user("alice");
  const std::string old_hash = interactive_hash(kPassword);
  f.repo.hashes[alice.id] = old_hash;
  f.repo.fail_writes = true;
  CHECK(f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, false).account.id ==
        alice.id);
  CHECK(f.repo.hashes.at(alice.id) == old_hash);  // upgraded at a later login
}

TEST_CASE("argon2id hashes carry their own salt", "[auth]") {
  const auto a = hasher().hash("same");
  const auto b = hasher().hash("same");
  CHECK(a.rfind("$argon2id$", 0) == 0);
  CHECK(a != b);
  CHECK(hasher().verify(a, "same"));
  CHECK(hasher().verify(b, "same"));
  CHECK_FALSE(hasher().verify(a, "Same"));
  CHECK_FALSE(hasher().verify("not a hash", "same"));
}

TEST_CASE("the admin credential is created once and never overwritten", "[auth]") {
  Fixture f;
  // The user service has not created the admin account yet.
  CHECK_FALSE(f.domain.ensure_admin_credential(f.users, "admin", "first"));
  f.users.unavailable = true;
  CHECK_THROWS_AS(f.domain.ensure_admin_credential(f.users, "admin", "first"), DomainError);
  f.users.unavailable = false;

  NewAccount n;
  n.username = "admin";
  n.role = Role::kAdmin;
  const Account admin = f.users.create_user(n);
  CHECK(f.domain.ensure_admin_credential(f.users, "admin", "first"));
  const auto login = f.domain.login(f.users, {Kind::kUsername, "admin"}, "first", false);
  CHECK(f.verifier.verify(login.access_token).claims->role == "admin");

  // A later start with another ADMIN_PASSWORD keeps the existing credential.
  const std::string hash = f.repo.hashes.at(admin.id);
  CHECK(f.domain.ensure_admin_credential(f.users, "admin", "second"));
  CHECK(f.repo.hashes.at(admin.id) == hash);
  CHECK_THROWS_AS(f.domain.login(f.users, {Kind::kUsername, "admin"}, "second", false),
                  DomainError);
}

TEST_CASE("the signing key is generated once and then reused", "[auth]") {
  FakeCredentialRepository store;
  fleet::ManualClock clock;
  const SigningKey first = load_or_create_signing_key(store, clock);
  const SigningKey second = load_or_create_signing_key(store, clock);
  CHECK(first.private_key_pem == second.private_key_pem);
  CHECK(first.key_id == second.key_id);
  CHECK(first.key_id.size() == 16);
  CHECK(first.public_key_pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  CHECK_THROWS_AS(signing_key_from_pem("garbage"), std::invalid_argument);

  Fixture f;
  const PublicKeyInfo info = f.domain.public_key();
  CHECK(info.algorithm == "EdDSA");
  CHECK(info.public_key_pem == f.key.public_key_pem);
  CHECK(info.key_id == f.key.key_id);
  CHECK(info.issuer == "fleetgate");
}

TEST_CASE("no error text ever carries a password, hash or token", "[auth]") {
  Fixture f(/*rotation=*/true);
  const Account alice = f.add_user("alice");
  const std::string refresh = f.login_refresh("alice");
  const std::string hash = f.repo.hashes.at(alice.id);
  f.domain.refresh(f.users, refresh);  // retires `refresh`

  std::vector<std::string> texts;
  auto collect = [&](auto&& fn) {
    try {
      fn();
    } catch (const DomainError& e) {
      texts.emplace_back(e.what());
    }
  };
  collect([&] { f.domain.login(f.users, {Kind::kUsername, "alice"}, "wrong-secret-pw", true); });
  collect([&] { f.domain.login(f.users, {Kind::kUsername, "ghost"}, "wrong-secret-pw", true); });
  collect([&] { f.domain.login(f.users, {Kind::kUsername, "alice"}, hash, true); });
  collect([&] { f.domain.refresh(f.users, refresh); });
  collect([&] { f.domain.logout(refresh); });
  collect([&] { f.domain.set_password(alice.id, std::string(2000, 's')); });
  NewAccount dup;
  dup.username = "alice";
  collect([&] { f.domain.register_account(f.users, dup, "wrong-secret-pw", true); });
  f.users.account(alice.id).is_active = false;
  collect([&] { f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, true); });

  REQUIRE(texts.size() == 8);
  for (const auto& text : texts) {
    INFO(text);
    CHECK(text.find("wrong-secret-pw") == std::string::npos);
    CHECK(text.find(kPassword) == std::string::npos);
    CHECK(text.find("argon2") == std::string::npos);
    CHECK(text.find(refresh) == std::string::npos);
    CHECK(text.find(sha256_hex(refresh)) == std::string::npos);
    CHECK(text.find("sss") == std::string::npos);
  }
}

TEST_CASE("published keys: the signing key, then previous keys until their verify_until",
          "[auth][keys]") {
  fleet::ManualClock clock;
  FakeCredentialRepository repo;
  const SigningKey key = load_or_create_signing_key(repo, clock);
  const fleet::token::Signer signer(key.private_key_pem, "fleetgate", key.key_id, 3600s, clock);
  const std::string old_private = fleet::token::generate_private_key_pem();
  // A previous key from its private PEM (the old key file as it was) or its public half.
  const RetiredKey from_private = retired_key_from_pem(old_private, clock.now(), 3600s);
  const RetiredKey from_public =
      retired_key_from_pem(fleet::token::public_key_pem_of(old_private), clock.now(), 3600s);
  CHECK(from_private.key_id == from_public.key_id);
  CHECK(from_private.public_key_pem == from_public.public_key_pem);
  CHECK(from_private.verify_until == clock.now() + 3600s);
  CHECK_THROWS_AS(retired_key_from_pem("not a key", clock.now(), 3600s), std::invalid_argument);

  AuthOptions options;
  options.retired_keys = {from_private,
                          retired_key_from_pem(key.private_key_pem, clock.now(), 3600s)};
  AuthDomain domain(repo, hasher(), signer, clock, options);
  auto published = domain.published_keys();
  REQUIRE(published.size() == 2);  // the signing key is never also listed as retired
  CHECK(published[0].key_id == key.key_id);
  CHECK_FALSE(published[0].verify_until);
  CHECK(published[1].key_id == from_private.key_id);
  CHECK(published[1].verify_until == clock.now() + 3600s);
  CHECK(published[1].public_key_pem.find("PRIVATE") == std::string::npos);

  clock.advance(3600s);  // every token the old key signed has expired: it is withdrawn
  published = domain.published_keys();
  REQUIRE(published.size() == 1);
  CHECK(published[0].key_id == key.key_id);
}
