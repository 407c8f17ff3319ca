#include "fleet/idempotency/store.h"

#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "fleet/common/error.h"
#include "test_database.h"

using namespace std::chrono_literals;
using fleet::idempotency::Key;
using fleet::idempotency::Outcome;
using fleet::idempotency::Store;

namespace {

constexpr fleet::db::Migration kMigrations[] = {
    {1, "create_effects",
     "CREATE TABLE effects (id BIGINT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB"},
    fleet::idempotency::migration(2),
    fleet::idempotency::error_migration(3),
};

struct Fixture {
  fleet::db::testing::TestDatabase db;
  fleet::ManualClock clock;
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<Store> store;

  Fixture() {
    fleet::db::migrate(db.config(), kMigrations);
    auto config = db.config();
    config.pool_size = 24;
    pool = std::make_unique<fleet::db::Pool>(config);
    store = std::make_unique<Store>(*pool, clock);
  }
  std::int64_t effects() {
    return pool->acquire()->query_one("SELECT COUNT(*) FROM effects")->i64(0);
  }
  std::int64_t keys() {
    return pool->acquire()->query_one("SELECT COUNT(*) FROM idempotency_keys")->i64(0);
  }
};

// An effect that records itself and answers with bytes naming its row.
Store::Result effect_once(Store& store, const std::optional<Key>& key, std::string prefix = "r") {
  return store.run(key, [&](fleet::db::Connection& conn) {
    conn.execute("INSERT INTO effects () VALUES ()");
    return prefix + std::to_string(conn.last_insert_id());
  });
}

Key key(std::string k, std::string fingerprint = "fp1", std::string caller = "7") {
  return Key{std::move(caller), std::move(k), std::move(fingerprint)};
}

}  // namespace

TEST_CASE("a repeat replays the stored bytes with no second effect", "[idempotency]") {
  Fixture f;
  const auto first = effect_once(*f.store, key("k1"));
  CHECK(first.outcome == Outcome::kFresh);
  const auto second = effect_once(*f.store, key("k1"), "other");
  CHECK(second.outcome == Outcome::kReplayed);
  CHECK(second.response == first.response);
  CHECK(f.effects() == 1);

  // Keys are per caller: another caller's identical key is a new request.
  CHECK(effect_once(*f.store, key("k1", "fp1", "8")).outcome == Outcome::kFresh);
  CHECK(f.effects() == 2);
}

TEST_CASE("stored responses are bytes, NULs and high bytes included", "[idempotency]") {
  Fixture f;
  const std::string bytes("\0\xff\x01 x\n\x80\0", 8);
  auto run = [&] {
    return f.store->run(key("bin"), [&](fleet::db::Connection&) { return bytes; });
  };
  CHECK(run().response == bytes);
  const auto replay = run();
  CHECK(replay.outcome == Outcome::kReplayed);
  CHECK(replay.response == bytes);
}

TEST_CASE("the same key with another fingerprint is a mismatch", "[idempotency]") {
  Fixture f;
  effect_once(*f.store, key("k", "fp1"));
  CHECK(effect_once(*f.store, key("k", "fp2")).outcome == Outcome::kMismatch);
  CHECK(f.effects() == 1);
}

TEST_CASE("without a key the effect simply runs, every time", "[idempotency]") {
  Fixture f;
  CHECK(effect_once(*f.store, std::nullopt).outcome == Outcome::kFresh);
  CHECK(effect_once(*f.store, std::nullopt).outcome == Outcome::kFresh);
  CHECK(f.effects() == 2);
  CHECK(f.keys() == 0);
}

TEST_CASE("a repeat while the first is running is in flight, afterwards it replays",
          "[idempotency]") {
  Fixture f;
  std::promise<void> entered, proceed;
  auto first = std::async(std::launch::async, [&] {
    return f.store->run(key("slow"), [&](fleet::db::Connection& conn) {
      conn.execute("INSERT INTO effects () VALUES ()");
      entered.set_value();
      proceed.get_future().wait();
      return std::string("first");
    });
  });
  entered.get_future().wait();
  CHECK(effect_once(*f.store, key("slow")).outcome == Outcome::kInFlight);
  // A different request with the key is a mismatch even while in flight.
  CHECK(effect_once(*f.store, key("slow", "fp2")).outcome == Outcome::kMismatch);
  proceed.set_value();
  CHECK(first.get().response == "first");
  const auto again = effect_once(*f.store, key("slow"));
  CHECK(again.outcome == Outcome::kReplayed);
  CHECK(again.response == "first");
  CHECK(f.effects() == 1);
}

TEST_CASE("20 concurrent duplicates make one effect", "[idempotency]") {
  Fixture f;
  std::vector<std::future<Store::Result>> results;
  std::promise<void> go;
  auto start = go.get_future().share();
  for (int i = 0; i < 20; ++i) {
    results.push_back(std::async(std::launch::async, [&, start] {
      start.wait();
      return effect_once(*f.store, key("dup"));
    }));
  }
  go.set_value();
  int fresh = 0;
  std::string response;
  for (auto& r : results) {
    const auto result = r.get();
    CHECK((result.outcome == Outcome::kFresh || result.outcome == Outcome::kReplayed ||
           result.outcome == Outcome::kInFlight));
    if (result.outcome == Outcome::kFresh) {
      ++fresh;
      response = result.response;
    }
  }
  CHECK(fresh == 1);
  CHECK(f.effects() == 1);
  CHECK(effect_once(*f.store, key("dup")).response == response);
}

TEST_CASE("an effect that fails for the platform releases its claim so that a retry runs",
          "[idempotency]") {
  Fixture f;
  for (auto code : {fleet::ErrorCode::kUnavailable, fleet::ErrorCode::kAborted,
                    fleet::ErrorCode::kInternal}) {
    CHECK_THROWS_AS(f.store->run(key("fail"),
                                 [code](fleet::db::Connection& conn) -> std::string {
                                   conn.execute("INSERT INTO effects () VALUES ()");
                                   throw fleet::DomainError(code, "Service unavailable");
                                 }),
                    fleet::DomainError);
    CHECK(f.effects() == 0);  // rolled back with the transaction
    CHECK(f.keys() == 0);
  }
  CHECK_THROWS_AS(f.store->run(key("fail"),
                               [](fleet::db::Connection&) -> std::string {
                                 throw std::runtime_error("connection lost");
                               }),
                  std::runtime_error);
  CHECK(f.keys() == 0);
  CHECK(effect_once(*f.store, key("fail")).outcome == Outcome::kFresh);
  CHECK(f.effects() == 1);
}

TEST_CASE("an effect refused for a client error stores the error, a repeat replays it even when "
          "the effect would now succeed (issue 11 item 6)",
          "[idempotency]") {
  Fixture f;
  for (auto code : {fleet::ErrorCode::kFailedPrecondition, fleet::ErrorCode::kNotFound,
                    fleet::ErrorCode::kPermissionDenied, fleet::ErrorCode::kInvalidArgument,
                    fleet::ErrorCode::kAlreadyExists, fleet::ErrorCode::kUnauthenticated}) {
    const auto k = key("client-" + std::to_string(static_cast<int>(code)));
    try {
      f.store->run(k, [code](fleet::db::Connection& conn) -> std::string {
        conn.execute("INSERT INTO effects () VALUES ()");
        throw fleet::DomainError(code, "Device is already running");
      });
      FAIL("the effect's error did not propagate");
    } catch (const fleet::DomainError& e) {
      CHECK(e.code() == code);
    }
    CHECK(f.effects() == 0);  // the effect rolled back; only the outcome is kept
    const auto again = effect_once(*f.store, k);
    CHECK(again.outcome == Outcome::kReplayedError);
    REQUIRE(again.error);
    CHECK(again.error->code() == code);
    CHECK(std::string(again.error->what()) == "Device is already running");
    CHECK(f.effects() == 0);
    // The key still belongs to that request: another one with it is a mismatch.
    CHECK(effect_once(*f.store, key(k.key, "fp2")).outcome == Outcome::kMismatch);
  }
}

TEST_CASE("rows older than the retention neither replay nor conflict, and are purged",
          "[idempotency]") {
  Fixture f;
  effect_once(*f.store, key("old"));
  f.clock.advance(23h);
  CHECK(effect_once(*f.store, key("old")).outcome == Outcome::kReplayed);
  f.clock.advance(1h + 1s);
  CHECK(effect_once(*f.store, key("old"), "new").outcome == Outcome::kFresh);
  CHECK(effect_once(*f.store, key("old", "fp2")).outcome == Outcome::kMismatch);
  CHECK(f.effects() == 2);

  effect_once(*f.store, key("other"));
  f.clock.advance(25h);
  CHECK(f.keys() == 2);
  CHECK(f.store->purge() == 2);
  CHECK(f.keys() == 0);
}

TEST_CASE("a claim older than the in-flight timeout is taken over, its owner cannot complete",
          "[idempotency]") {
  Fixture f;
  std::promise<void> entered, proceed;
  auto stale = std::async(std::launch::async, [&] {
    return f.store->run(key("crash"), [&](fleet::db::Connection& conn) {
      conn.execute("INSERT INTO effects () VALUES ()");
      entered.set_value();
      proceed.get_future().wait();
      return std::string("stale");
    });
  });
  entered.get_future().wait();
  f.clock.advance(61s);
  const auto taken = effect_once(*f.store, key("crash"), "taken");
  CHECK(taken.outcome == Outcome::kFresh);
  proceed.set_value();
  CHECK_THROWS_AS(stale.get(), fleet::DomainError);  // rolled back: no second effect
  CHECK(f.effects() == 1);
  const auto replay = effect_once(*f.store, key("crash"));
  CHECK(replay.outcome == Outcome::kReplayed);
  CHECK(replay.response == taken.response);
}

TEST_CASE("a takeover racing its owner's completion never makes a second effect",
          "[idempotency]") {
  // Two replicas: the owner's claim is past the in-flight timeout when it completes, at the
  // moment the other replica finds it stale. Whichever comes first wins; never both. The delay
  // of the taker sweeps its read-then-update across the owner's commit.
  Fixture f;
  Store replica(*f.pool, f.clock);
  constexpr int kRounds = 100;
  for (int round = 0; round < kRounds; ++round) {
    const auto k = key("race-" + std::to_string(round));
    std::promise<void> entered, proceed;
    auto owner = std::async(std::launch::async, [&] {
      try {
        return f.store->run(k, [&](fleet::db::Connection& conn) {
          conn.execute("INSERT INTO effects () VALUES ()");
          entered.set_value();
          proceed.get_future().wait();
          return std::string("owner");
        }).outcome;
      } catch (const fleet::DomainError&) {
        return Outcome::kInFlight;  // taken over: rolled back
      }
    });
    entered.get_future().wait();
    f.clock.advance(61s);
    proceed.set_value();
    std::this_thread::sleep_for(std::chrono::microseconds(round * 50));
    effect_once(replica, k, "taker");
    owner.get();
    REQUIRE(f.effects() == round + 1);
  }
}

TEST_CASE("over-long keys are refused", "[idempotency]") {
  Fixture f;
  CHECK_THROWS_WITH(effect_once(*f.store, key(std::string(256, 'k'))), "Invalid idempotency key");
  CHECK(f.effects() == 0);
}
