// Rehash at login against a real MariaDB (TEST_DB_*): a hash stored with libsodium's old
// "interactive" preset becomes an OWASP-setting hash at the next successful login, in the
// credentials table itself; a failed login leaves it alone.
#include <sodium.h>

#include <catch2/catch.hpp>

#include "domain/auth_domain.h"
#include "domain/secrets.h"
#include "domain/signing_key.h"
#include "fakes.h"
#include "repository/mariadb_auth_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::auth;
using namespace std::chrono_literals;
using fleet::auth::testing::FakeUserDirectory;
using fleet::db::testing::TestDatabase;
using Kind = LoginIdentifier::Kind;

namespace {

constexpr std::string_view kPassword = "correct horse battery staple";
constexpr std::string_view kOwaspPrefix = "$argon2id$v=19$m=19456,t=2,p=1$";

std::string interactive_hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  REQUIRE(crypto_pwhash_str_alg(
              out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0);
  return out;
}

// Migrated before the fixture's other members use it (the signing key is stored at once).
struct MigratedDatabase : TestDatabase {
  MigratedDatabase() { fleet::db::migrate(config(), kMigrations); }
};

struct Fixture {
  Fixture()
      : pool(database.config()),
        repo(pool),
        key(load_or_create_signing_key(repo, clock)),
        signer(key.private_key_pem, "fleetgate", key.key_id, 3600s, clock),
        domain(repo, hasher, signer, clock, {}) {
    NewAccount n;
    n.username = "alice";
    user_id = users.create_user(n).id;
    repo.set_password_hash(user_id, interactive_hash(kPassword), clock.now());
  }
  std::string stored_hash() {
    auto row = pool.acquire()->query_one("SELECT password_hash FROM credentials WHERE user_id = ?",
                                         {user_id});
    REQUIRE(row);
    return row->str(0);
  }

  MigratedDatabase database;
  fleet::db::Pool pool;
  MariadbAuthRepository repo;
  fleet::ManualClock clock;
  FakeUserDirectory users;
  PasswordHasher hasher;
  SigningKey key;
  fleet::token::Signer signer;
  AuthDomain domain;
  std::int64_t user_id = 0;
};

}  // namespace

TEST_CASE("a login upgrades a stored interactive-preset hash to m=19456,t=2,p=1 in MariaDB",
          "[auth][db][rehash]") {
  Fixture f;
  const std::string old_hash = f.stored_hash();
  REQUIRE(old_hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0) == 0);

  // A failed login rehashes nothing.
  CHECK_THROWS(f.domain.login(f.users, {Kind::kUsername, "alice"}, "wrong password", false));
  CHECK(f.stored_hash() == old_hash);

  // The refresh token of this very login survives its rehash (it is not a password change).
  const auto logged_in = f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, true);
  const std::string upgraded = f.stored_hash();
  CHECK(upgraded.rfind(kOwaspPrefix, 0) == 0);
  CHECK(f.hasher.verify(upgraded, kPassword));
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex(logged_in.refresh_token))->revoked_at);

  // The next login finds a current hash and leaves it.
  f.domain.login(f.users, {Kind::kUsername, "alice"}, kPassword, false);
  CHECK(f.stored_hash() == upgraded);
}

TEST_CASE("a rehash never overwrites a hash that changed since it was read", "[auth][db][rehash]") {
  Fixture f;
  const std::string old_hash = f.stored_hash();
  f.repo.set_password_hash(f.user_id, "$argon2id$changed-meanwhile", f.clock.now());
  CHECK_FALSE(f.repo.replace_password_hash(f.user_id, old_hash, "$argon2id$rehash", f.clock.now()));
  CHECK(f.stored_hash() == "$argon2id$changed-meanwhile");
  CHECK(f.repo.replace_password_hash(f.user_id, "$argon2id$changed-meanwhile", "$argon2id$rehash",
                                     f.clock.now()));
  CHECK(f.stored_hash() == "$argon2id$rehash");
  CHECK_FALSE(f.repo.replace_password_hash(9999, "x", "y", f.clock.now()));  // no credential
}
