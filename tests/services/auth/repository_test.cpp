// Integration tests of the auth MariaDB repository against a throwaway database (TEST_DB_*).
#include <catch2/catch.hpp>
#include <thread>

#include "domain/auth_domain.h"
#include "domain/secrets.h"
#include "domain/signing_key.h"
#include "fakes.h"
#include "repository/mariadb_auth_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::auth;
using namespace std::chrono_literals;
using fleet::db::testing::TestDatabase;

namespace {

struct Fixture {
  Fixture() : pool(database.config()), repo(pool) {
    fleet::db::migrate(database.config(), kMigrations);
  }
  NewRefreshToken token(std::int64_t user_id, const std::string& family, const std::string& raw,
                        std::chrono::seconds ttl = 3600s) {
    const auto now = clock.now();
    return {sha256_hex(raw), user_id, family, now, now + ttl};
  }

  TestDatabase database;
  fleet::db::Pool pool;
  MariadbAuthRepository repo;
  fleet::ManualClock clock;
};

}  // namespace

TEST_CASE("migrations are repeatable", "[auth][db]") {
  Fixture f;
  CHECK_NOTHROW(fleet::db::migrate(f.database.config(), kMigrations));
  auto conn = f.pool.acquire();
  CHECK(conn->query("SELECT version FROM schema_migrations").size() == std::size(kMigrations));
}

TEST_CASE("password hashes: insert-if-absent, upsert, delete", "[auth][db]") {
  Fixture f;
  CHECK_FALSE(f.repo.find_password_hash(1));
  CHECK(f.repo.insert_password_hash_if_absent(1, "$argon2id$one", f.clock.now()));
  CHECK_FALSE(f.repo.insert_password_hash_if_absent(1, "$argon2id$two", f.clock.now()));
  CHECK(f.repo.find_password_hash(1) == "$argon2id$one");

  f.repo.set_password_hash(1, "$argon2id$three", f.clock.now());
  CHECK(f.repo.find_password_hash(1) == "$argon2id$three");
  f.repo.set_password_hash(2, "$argon2id$new", f.clock.now());  // upsert inserts too
  CHECK(f.repo.find_password_hash(2) == "$argon2id$new");

  f.repo.delete_credentials(1);
  CHECK_FALSE(f.repo.find_password_hash(1));
  CHECK(f.repo.find_password_hash(2));
  CHECK_NOTHROW(f.repo.delete_credentials(1));
}

TEST_CASE("refresh tokens are stored by hash and read back exactly", "[auth][db]") {
  Fixture f;
  f.clock.set(fleet::db::parse_datetime("2025-01-10 10:00:00.123456"));
  f.repo.insert_refresh_token(f.token(7, "fam1", "raw-a", 30s));
  const auto found = f.repo.find_refresh_token(sha256_hex("raw-a"));
  REQUIRE(found);
  CHECK(found->user_id == 7);
  CHECK(found->family_id == "fam1");
  CHECK(found->expires_at == f.clock.now() + 30s);
  CHECK_FALSE(found->revoked_at);
  CHECK_FALSE(found->retired_at);
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("raw-b")));
  // The raw token is nowhere in the table.
  auto conn = f.pool.acquire();
  CHECK(conn->query("SELECT id FROM refresh_tokens WHERE token_hash = ?", {std::string("raw-a")})
            .empty());
  // Hashes are unique.
  CHECK_THROWS_AS(f.repo.insert_refresh_token(f.token(8, "fam2", "raw-a")),
                  fleet::db::DuplicateKey);
}

TEST_CASE("a locked token can be retired, revoked, and its family revoked", "[auth][db]") {
  Fixture f;
  f.repo.insert_refresh_token(f.token(7, "fam1", "a"));
  f.repo.insert_refresh_token(f.token(7, "fam1", "b"));
  f.repo.insert_refresh_token(f.token(7, "fam2", "c"));
  const auto at = fleet::db::parse_datetime("2025-01-10 10:00:00");

  f.repo.with_locked_refresh_token(sha256_hex("a"), [&](RefreshTokenTransaction& tx) {
    REQUIRE(tx.token());
    CHECK(tx.token()->family_id == "fam1");
    tx.retire(at);
    tx.insert(f.token(7, "fam1", "d"));
  });
  CHECK(f.repo.find_refresh_token(sha256_hex("a"))->retired_at == at);
  CHECK(f.repo.find_refresh_token(sha256_hex("d"))->family_id == "fam1");

  f.repo.with_locked_refresh_token(sha256_hex("b"),
                                   [&](RefreshTokenTransaction& tx) { tx.revoke_family(at); });
  for (const char* raw : {"a", "b", "d"})
    CHECK(f.repo.find_refresh_token(sha256_hex(raw))->revoked_at == at);
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("c"))->revoked_at);

  f.repo.with_locked_refresh_token(sha256_hex("c"),
                                   [&](RefreshTokenTransaction& tx) { tx.revoke(at); });
  CHECK(f.repo.find_refresh_token(sha256_hex("c"))->revoked_at == at);

  bool seen_unknown = false;
  f.repo.with_locked_refresh_token(sha256_hex("zzz"), [&](RefreshTokenTransaction& tx) {
    seen_unknown = !tx.token().has_value();
  });
  CHECK(seen_unknown);
}

TEST_CASE("a throw inside the locked work rolls everything back", "[auth][db]") {
  Fixture f;
  f.repo.insert_refresh_token(f.token(7, "fam1", "a"));
  CHECK_THROWS_AS(f.repo.with_locked_refresh_token(sha256_hex("a"),
                                                   [&](RefreshTokenTransaction& tx) {
                                                     tx.retire(f.clock.now());
                                                     tx.insert(f.token(7, "fam1", "b"));
                                                     throw std::runtime_error("boom");
                                                   }),
                  std::runtime_error);
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("a"))->retired_at);
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("b")));
}

TEST_CASE("setting a password revokes the user's refresh tokens in the same step", "[auth][db]") {
  Fixture f;
  f.repo.insert_refresh_token(f.token(7, "fam1", "a"));
  f.repo.insert_refresh_token(f.token(8, "fam2", "b"));
  f.repo.set_password_hash(7, "$argon2id$x", f.clock.now());
  CHECK(f.repo.find_refresh_token(sha256_hex("a"))->revoked_at == f.clock.now());
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("b"))->revoked_at);

  f.repo.delete_credentials(8);
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("b")));
  CHECK(f.repo.find_refresh_token(sha256_hex("a")));
}

TEST_CASE("concurrent first starts agree on one signing key", "[auth][db]") {
  Fixture f;
  std::vector<std::string> keys(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back(
        [&, i] { keys[i] = load_or_create_signing_key(f.repo, f.clock).private_key_pem; });
  }
  for (auto& t : threads) t.join();
  for (const auto& key : keys) CHECK(key == keys[0]);
  // A later start reads the same key.
  const SigningKey later = load_or_create_signing_key(f.repo, f.clock);
  CHECK(later.private_key_pem == keys[0]);
  auto conn = f.pool.acquire();
  const auto row = conn->query_one("SELECT COUNT(*), MAX(key_id) FROM signing_keys");
  CHECK(row->i64(0) == 1);
  CHECK(row->str(1) == later.key_id);
}

TEST_CASE("with rotation, concurrent refreshes of one token on MariaDB: at most one wins",
          "[auth][db]") {
  Fixture f;
  static const PasswordHasher hasher;
  const SigningKey key = load_or_create_signing_key(f.repo, f.clock);
  fleet::token::Signer signer(key.private_key_pem, "fleetgate", key.key_id, 3600s, f.clock);
  AuthDomain domain(f.repo, hasher, signer, f.clock, {3600s, true, "fleetgate"});
  fleet::auth::testing::FakeUserDirectory users;
  NewAccount n;
  n.username = "alice";
  domain.register_account(users, n, "pw", false);

  for (int round = 0; round < 5; ++round) {
    const std::string token =
        domain.login(users, {LoginIdentifier::Kind::kUsername, "alice"}, "pw", true).refresh_token;
    std::atomic<int> successes{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        try {
          domain.refresh(users, token);
          ++successes;
        } catch (const fleet::DomainError&) {
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(successes <= 1);
  }
  // A clean rotation chain still works end to end.
  const std::string first =
      domain.login(users, {LoginIdentifier::Kind::kUsername, "alice"}, "pw", true).refresh_token;
  const auto second = domain.refresh(users, first);
  CHECK_FALSE(second.refresh_token.empty());
  CHECK_NOTHROW(domain.refresh(users, second.refresh_token));
  CHECK_THROWS_AS(domain.refresh(users, first), fleet::DomainError);
}
