// The sync repository on a real MariaDB (TEST_DB_*): an attempt updates its device and is logged
// in one transaction, what is stored reads back exactly (microseconds, NULLs), devices and the
// log survive a restart, the demo devices are created once.
#include <catch2/catch.hpp>
#include <thread>

#include "domain/sync.h"
#include "fakes.h"
#include "fleet/common/error.h"
#include "repository/mariadb_sync_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::sync;
using namespace std::chrono_literals;
using fleet::sync::testing::ScriptedOutcomes;

namespace {

// One service instance: its own pool, repository and domain over the shared database.
struct Instance {
  Instance(const fleet::db::Config& config, const fleet::Clock& clock, OutcomeSource& outcomes)
      : pool(config), repository(pool), sync(repository, clock, outcomes) {}
  fleet::db::Pool pool;
  MariadbSyncRepository repository;
  Sync sync;
};

struct Store {
  fleet::db::testing::TestDatabase db;
  fleet::db::Config config;
  // Microseconds that are not round, to see DATETIME(6) keep them.
  fleet::ManualClock clock{std::chrono::sys_days{std::chrono::January / 10 / 2025} + 10h +
                           123456us};
  ScriptedOutcomes outcomes;
  std::unique_ptr<Instance> app;

  Store() : config(db.config()) {
    fleet::db::migrate(config, kMigrations);
    restart();
  }
  // A fresh instance: nothing survives but what the database holds.
  void restart() {
    app.reset();
    app = std::make_unique<Instance>(config, clock, outcomes);
  }
  Sync& sync() { return app->sync; }
  std::int64_t count(const std::string& sql) {
    return app->pool.acquire()->query_one(sql)->i64(0);
  }
};

const Outcome kOk{};

}  // namespace

TEST_CASE("demo devices: created once, 101 as documented, history logged", "[integration]") {
  Store s;
  CHECK(s.sync().ensure_demo_devices() == 5);
  CHECK(s.sync().ensure_demo_devices() == 0);
  s.restart();
  CHECK(s.sync().ensure_demo_devices() == 0);
  const auto devices = s.sync().list_devices();
  REQUIRE(devices.size() == 5);
  CHECK(devices[0].id == 101);
  CHECK(devices[0].name == "Raspberry Pi 4B");
  CHECK(devices[0].type == "Pi4");
  const auto at = std::chrono::sys_days{std::chrono::year{2025} / 4 / 23} + 14h + 30min + 25s;
  CHECK(devices[0].last_sync_at == at);
  CHECK(devices[0].sync_status_code == 200);
  CHECK_FALSE(devices[0].error_message.has_value());
  CHECK(devices[4].id == 105);
  // Never attempted: every sync field NULL.
  const auto& d103 = devices[2];
  CHECK(d103.id == 103);
  CHECK_FALSE(d103.last_sync_at.has_value());
  CHECK_FALSE(d103.sync_status_code.has_value());
  CHECK_FALSE(d103.error_message.has_value());
  CHECK_FALSE(d103.last_attempt_at.has_value());
  CHECK(s.count("SELECT COUNT(*) FROM sync_attempts") == 4);
  CHECK(s.outcomes.draws == 0);
}

TEST_CASE("an attempt is stored and logged exactly, and survives a restart", "[integration]") {
  Store s;
  s.sync().ensure_demo_devices();
  s.outcomes.queue = {kFailures[2], kOk, kFailures[3]};
  const auto t0 = s.clock.now();
  const auto a1 = s.sync().sync(103, 7);
  s.clock.advance(1500ms);
  const auto a2 = s.sync().sync(103, 8);
  s.clock.advance(1500ms);
  const auto a3 = s.sync().sync(103, std::nullopt);

  CHECK(a1.device.sync_status_code == 404);
  CHECK(a1.device.error_message == "Server Not Reachable");
  CHECK_FALSE(a1.device.last_sync_at.has_value());
  CHECK(a2.device.last_sync_at == t0 + 1500ms);
  CHECK(a3.device.last_sync_at == t0 + 1500ms);
  CHECK(a3.device.last_attempt_at == t0 + 3000ms);
  CHECK(a3.device.error_message == "Unknown Sync Error");
  CHECK(a1.attempt.id < a2.attempt.id);
  CHECK(a2.attempt.id < a3.attempt.id);

  s.restart();
  CHECK(s.app->repository.get_device(103) == a3.device);  // microseconds kept
  const auto log = s.sync().attempts(103, 0);
  CHECK(log == std::vector<Attempt>{a3.attempt, a2.attempt, a1.attempt});
  CHECK(s.sync().attempts(103, 2).size() == 2);
  CHECK(s.sync().attempts(104, 0).empty());
  CHECK(s.app->repository.get_device(104)->last_attempt_at == std::nullopt);
}

TEST_CASE("a transaction that fails leaves neither the device nor the log changed",
          "[integration]") {
  Store s;
  s.sync().ensure_demo_devices();
  const auto before = s.app->repository.get_device(104);
  const auto attempts = s.count("SELECT COUNT(*) FROM sync_attempts");
  CHECK_THROWS_AS(s.app->repository.transact([&](Transaction& tx) {
    auto d = *tx.lock_device(104);
    d = after_attempt(d, kOk, s.clock.now());
    tx.save_sync_fields(d);
    tx.add_attempt({.id = 0, .device_id = 104, .status_code = 200, .error_message = std::nullopt, .attempted_at = s.clock.now(), .actor_user_id = std::nullopt});
    throw std::runtime_error("the process dies here");
  }),
                  std::runtime_error);
  CHECK(s.app->repository.get_device(104) == before);
  CHECK(s.count("SELECT COUNT(*) FROM sync_attempts") == attempts);
  // An outcome source that fails inside sync() rolls back the same way.
  CHECK_THROWS(s.sync().sync(104, 1));  // nothing scripted
  CHECK(s.app->repository.get_device(104) == before);
}

TEST_CASE("an unknown device is NOT_FOUND", "[integration]") {
  Store s;
  s.sync().ensure_demo_devices();
  s.outcomes.queue = {kOk};
  try {
    s.sync().sync(999, 1);
    FAIL("no error");
  } catch (const fleet::DomainError& e) {
    CHECK(e.code() == fleet::ErrorCode::kNotFound);
    CHECK(std::string(e.what()) == "Device with ID 999 not found");
  }
  CHECK(s.outcomes.draws == 0);
  CHECK_FALSE(s.app->repository.get_device(999).has_value());
}

TEST_CASE("concurrent attempts on one device: each logged, the device shows the last",
          "[integration]") {
  Store s;
  s.sync().ensure_demo_devices();
  SeededOutcomes seeded(0.5, 5);
  std::vector<std::unique_ptr<Instance>> instances;
  for (int i = 0; i < 4; ++i) {
    instances.push_back(std::make_unique<Instance>(s.config, s.clock, seeded));
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 10; ++n) instances[i]->sync.sync(101, i);
    });
  }
  for (auto& t : threads) t.join();
  const auto log = s.sync().attempts(101, 1000);
  REQUIRE(log.size() == 41);  // 40 and the demo history's one
  const auto device = *s.app->repository.get_device(101);
  CHECK(device.sync_status_code == log.front().status_code);
  CHECK(device.error_message == log.front().error_message);
  CHECK(device.last_attempt_at == log.front().attempted_at);
}
