// Integration tests of the auth MariaDB repository against a throwaway database (TEST_DB_*).
#include <catch2/catch.hpp>
#include <thread>

#include "domain/auth_domain.h"
#include "domain/refresh_token_pruner.h"
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
  AuthDomain domain(f.repo, hasher, signer, f.clock, {3600s, true, "fleetgate", {}});
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

TEST_CASE("the pruner deletes expired and revoked refresh tokens and keeps live and retired ones",
          "[auth][db][prune]") {
  Fixture f;
  f.repo.insert_refresh_token(f.token(1, "live", "live", 3600s));
  f.repo.insert_refresh_token(f.token(1, "short", "expires", 60s));
  f.repo.insert_refresh_token(f.token(2, "out", "revoked", 3600s));
  f.repo.insert_refresh_token(f.token(3, "rot", "retired", 3600s));
  f.repo.with_locked_refresh_token(sha256_hex("revoked"),
                                   [&](RefreshTokenTransaction& tx) { tx.revoke(f.clock.now()); });
  // Rotation: the retired token must stay, so that presenting it again revokes its family.
  f.repo.with_locked_refresh_token(sha256_hex("retired"), [&](RefreshTokenTransaction& tx) {
    tx.retire(f.clock.now());
    tx.insert(f.token(3, "rot", "rotated", 3600s));
  });

  CHECK(prune_refresh_tokens(f.repo, f.clock) == 1);  // only the revoked one yet
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("revoked")));
  CHECK(f.repo.find_refresh_token(sha256_hex("expires")));

  f.clock.advance(60s);  // "expires" expires now (expires_at <= now)
  CHECK(prune_refresh_tokens(f.repo, f.clock) == 1);
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("expires")));
  for (const char* kept : {"live", "retired", "rotated"}) {
    INFO(kept);
    CHECK(f.repo.find_refresh_token(sha256_hex(kept)));
  }
  CHECK(prune_refresh_tokens(f.repo, f.clock) == 0);

  f.clock.advance(3600s);  // the rest expire, the retired one with them
  CHECK(prune_refresh_tokens(f.repo, f.clock) == 3);
  CHECK(f.pool.acquire()->query("SELECT id FROM refresh_tokens").empty());
}

TEST_CASE("the pruner works in bounded batches", "[auth][db][prune]") {
  Fixture f;
  for (int i = 0; i < 25; ++i) {
    f.repo.insert_refresh_token(f.token(1, "f" + std::to_string(i), "t" + std::to_string(i), 1s));
  }
  f.repo.insert_refresh_token(f.token(1, "live", "live", 3600s));
  f.clock.advance(2s);
  // 2 batches of 10 per run: 20, then the last 5 at the next run.
  CHECK(prune_refresh_tokens(f.repo, f.clock, {.batch = 10, .max_batches = 2}) == 20);
  CHECK(prune_refresh_tokens(f.repo, f.clock, {.batch = 10, .max_batches = 2}) == 5);
  CHECK(f.pool.acquire()->query("SELECT id FROM refresh_tokens").size() == 1);
  CHECK(f.repo.find_refresh_token(sha256_hex("live")));
}

TEST_CASE("the pruner thread runs at once and stops when asked", "[auth][db][prune]") {
  Fixture f;
  f.repo.insert_refresh_token(f.token(1, "gone", "gone", 1s));
  f.clock.advance(2s);
  {
    std::jthread pruner([&](std::stop_token stop) {
      run_refresh_token_pruner(stop, f.repo, f.clock, std::chrono::hours(1));
    });
    for (int i = 0; i < 200 && f.repo.find_refresh_token(sha256_hex("gone")); ++i) {
      std::this_thread::sleep_for(10ms);
    }
  }  // joins at once although the interval is an hour
  CHECK_FALSE(f.repo.find_refresh_token(sha256_hex("gone")));
}
