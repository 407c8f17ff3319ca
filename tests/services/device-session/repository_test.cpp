// The rental domain on a real MariaDB (TEST_DB_*): locking, exact decimals, restarts.
#include <catch2/catch.hpp>
#include <future>

#include "domain/expiry_sweeper.h"
#include "domain/rental.h"
#include "fleet/common/error.h"
#include "repository/mariadb_device_session_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::device_session;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kWasher = 1;
constexpr std::int64_t kDryer = 4;
constexpr std::int64_t kAnn = 7;
constexpr std::int64_t kAdmin = 1;

// One service instance: its own pool, repository and domain over the shared database.
struct Instance {
  explicit Instance(const fleet::db::Config& config, const fleet::Clock& clock)
      : pool(config), repository(pool), rental(repository, clock, hub) {}
  fleet::db::Pool pool;
  MariadbDeviceSessionRepository repository;
  DeviceHub hub;
  Rental rental;
};

struct Store {
  fleet::db::testing::TestDatabase db;
  fleet::db::Config config;
  // Microseconds that are not round, to see DATETIME(6) keep them.
  fleet::ManualClock clock{std::chrono::sys_days{std::chrono::January / 10 / 2025} + 10h +
                           123456us};
  std::unique_ptr<Instance> app;

  Store() : config(db.config()) {
    config.pool_size = 24;
    fleet::db::migrate(config, kMigrations);
    restart();
    app->rental.ensure_demo_devices();
  }
  // A fresh instance: nothing survives but what the database holds.
  void restart() {
    app.reset();
    app = std::make_unique<Instance>(config, clock);
  }
  Rental& rental() { return app->rental; }
  std::string sql_text(const std::string& sql, const fleet::db::Params& params = {}) {
    auto row = app->pool.acquire()->query_one(sql, params);
    return row && !row->is_null(0) ? row->str(0) : "NULL";
  }
  std::int64_t count(const std::string& sql, const fleet::db::Params& params = {}) {
    return app->pool.acquire()->query_one(sql, params)->i64(0);
  }
};

}  // namespace

TEST_CASE("20 concurrent starts of one device: one success, one charge", "[integration]") {
  Store s;
  s.rental().set_cash(kAnn, "10.00", kAdmin);
  s.rental().set_cash(kAnn + 1, "10.00", kAdmin);
  // Each thread is its own service instance with its own connections.
  std::vector<std::unique_ptr<Instance>> instances;
  for (int i = 0; i < 20; ++i) instances.push_back(std::make_unique<Instance>(s.config, s.clock));
  std::promise<void> go;
  auto start = go.get_future().share();
  std::vector<std::future<std::string>> results;
  for (int i = 0; i < 20; ++i) {
    results.push_back(std::async(std::launch::async, [&, i, start] {
      start.wait();
      try {
        instances[i]->rental.start({kDryer, kAnn + i % 2, 60});
        return std::string("ok");
      } catch (const fleet::DomainError& e) {
        return std::string(e.what());
      }
    }));
  }
  go.set_value();
  int ok = 0;
  for (auto& r : results) {
    const auto outcome = r.get();
    if (outcome == "ok") {
      ++ok;
    } else {
      CHECK(outcome == "Device is already running");
    }
  }
  CHECK(ok == 1);
  CHECK(s.count("SELECT COUNT(*) FROM ledger WHERE kind = 'charge'") == 1);
  CHECK(s.count("SELECT COUNT(*) FROM sessions") == 1);
  // Exactly one of the two wallets paid, once.
  CHECK(s.sql_text("SELECT SUM(cash) FROM wallets") == "18.50");
}

TEST_CASE("one user starting five devices at once is charged once per device", "[integration]") {
  Store s;
  s.rental().set_cash(kAnn, "100.00", kAdmin);
  std::vector<std::future<void>> starts;
  for (std::int64_t device = 1; device <= 5; ++device) {
    starts.push_back(std::async(std::launch::async, [&, device] {
      Instance own(s.config, s.clock);
      own.rental.start({device, kAnn, 60});
    }));
  }
  for (auto& f : starts) f.get();
  // 3 × 1.20 + 2 × 1.50
  CHECK(s.sql_text("SELECT cash FROM wallets WHERE user_id = ?", {kAnn}) == "93.40");
  CHECK(s.count("SELECT COUNT(*) FROM ledger WHERE kind = 'charge'") == 5);
}

TEST_CASE("start and stop move money exactly, in DECIMAL", "[integration]") {
  Store s;
  s.rental().set_cash(kAnn, "10.00", kAdmin);
  const auto started = s.rental().start({kDryer, kAnn, 60});
  CHECK(s.sql_text("SELECT cash FROM wallets WHERE user_id = ?", {kAnn}) == "8.50");
  CHECK(started.device.record.end_time == s.clock.now() + 60min);
  s.clock.advance(15min);
  const auto stopped = s.rental().stop({kDryer, kAnn, false});
  CHECK(stopped.refund.str() == "1.13");
  CHECK(s.sql_text("SELECT cash FROM wallets WHERE user_id = ?", {kAnn}) == "9.63");
  CHECK(s.sql_text("SELECT refunded FROM sessions") == "1.13");
  CHECK(s.sql_text("SELECT end_reason FROM sessions") == "stopped");
  CHECK(s.sql_text("SELECT CONCAT_WS(',', user_id, end_time, session_id) FROM devices"
                   " WHERE id = ?",
                   {kDryer}) == "");

  const auto ledger = s.rental().ledger(kAnn);
  REQUIRE(ledger.size() == 3);
  CHECK(ledger[0].kind == LedgerKind::kAdjustment);
  CHECK(ledger[1].kind == LedgerKind::kCharge);
  CHECK(ledger[1].amount.str() == "-1.50");
  CHECK(ledger[1].session_id.has_value());
  CHECK(ledger[2].kind == LedgerKind::kRefund);
  CHECK(ledger[2].amount.str() == "1.13");
  CHECK(ledger[2].balance_after.str() == "9.63");
  CHECK(ledger[2].created_at == s.clock.now());
}

TEST_CASE("errors leave the database untouched", "[integration]") {
  Store s;
  s.rental().set_cash(kAnn, "1.00", kAdmin);
  CHECK_THROWS_WITH(s.rental().start({kDryer, kAnn, 60}), "Insufficient funds");
  CHECK_THROWS_WITH(s.rental().start({42, kAnn, 60}), "Device not found");
  CHECK_THROWS_WITH(s.rental().stop({kDryer, kAnn, true}), "Device is not running");
  CHECK(s.sql_text("SELECT cash FROM wallets WHERE user_id = ?", {kAnn}) == "1.00");
  CHECK(s.count("SELECT COUNT(*) FROM sessions") == 0);
  CHECK(s.count("SELECT COUNT(*) FROM ledger") == 1);
}

TEST_CASE("a session that ended while the service was down expires at the next start",
          "[integration]") {
  Store s;
  s.rental().set_cash(kAnn, "10.00", kAdmin);
  const auto end_time = s.rental().start({kWasher, kAnn, 1}).device.record.end_time;
  s.restart();  // the service goes down...
  s.clock.advance(5min);
  s.restart();                                            // ...and comes back later
  CHECK_FALSE(s.rental().get_device(kWasher).running());  // even before the sweep
  ExpirySweeper sweeper(s.rental(), s.clock, 5000ms);
  sweeper.start();  // catches up at once, not after its 5 s sleep
  for (int i = 0; i < 100 && s.rental().next_end_time(); ++i) std::this_thread::sleep_for(20ms);
  sweeper.stop();
  CHECK_FALSE(s.rental().next_end_time());
  CHECK(s.sql_text("SELECT end_reason FROM sessions") == "expired");
  CHECK(fleet::db::parse_datetime(s.sql_text("SELECT ended_at FROM sessions")) == *end_time);
  CHECK(s.sql_text("SELECT refunded FROM sessions") == "NULL");
  CHECK(s.sql_text("SELECT cash FROM wallets WHERE user_id = ?", {kAnn}) == "9.98");
  CHECK(s.count("SELECT COUNT(*) FROM devices WHERE session_id IS NOT NULL") == 0);
}

TEST_CASE("replicas sweeping the same due sessions at once end each session once",
          "[integration]") {
  // Several device-session replicas each run a sweeper on one database (issue 12): the row
  // locks of lock_expired_devices let one of them end a session and the others find it ended.
  Store s;
  constexpr int kReplicas = 4;
  constexpr int kRounds = 10;
  std::vector<std::unique_ptr<Instance>> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    replicas.push_back(std::make_unique<Instance>(s.config, s.clock));
  }
  for (std::int64_t device = 1; device <= 5; ++device) {
    s.rental().set_cash(kAnn + device, "100.00", kAdmin);
  }
  for (int round = 0; round < kRounds; ++round) {
    for (std::int64_t device = 1; device <= 5; ++device) {
      s.rental().start({device, kAnn + device, 1});
    }
    s.clock.advance(2min);
    std::promise<void> go;
    auto start = go.get_future().share();
    std::vector<std::future<std::size_t>> expired;
    for (auto& replica : replicas) {
      expired.push_back(std::async(std::launch::async, [&rental = replica->rental, start] {
        start.wait();
        return rental.expire_due();
      }));
    }
    go.set_value();
    std::size_t total = 0;
    for (auto& e : expired) total += e.get();
    REQUIRE(total == 5);  // each session ended by exactly one replica
  }
  CHECK(s.count("SELECT COUNT(*) FROM sessions WHERE end_reason = 'expired'") == 5 * kRounds);
  CHECK(s.count("SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL") == 0);
  // One start and one end per session: two versions each, never a third.
  CHECK(s.count("SELECT SUM(version) FROM devices") == 2 * 5 * kRounds);
  CHECK(s.count("SELECT COUNT(*) FROM ledger WHERE kind = 'refund'") == 0);
}

TEST_CASE("set_cash writes adjustments with their actor", "[integration]") {
  Store s;
  s.rental().set_cash(kAnn, "12.5", kAdmin);
  s.rental().set_cash(kAnn, "2.25", kAdmin + 1);
  s.rental().set_cash(kAnn, "2.25", kAdmin);
  const auto rows = s.app->pool.acquire()->query(
      "SELECT kind, amount, balance_after, actor_user_id, device_id FROM ledger"
      " WHERE user_id = ? ORDER BY id",
      {kAnn});
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].str(0) == "adjustment");
  CHECK(rows[0].str(1) == "12.50");
  CHECK(rows[1].str(1) == "-10.25");
  CHECK(rows[1].str(2) == "2.25");
  CHECK(rows[1].i64(3) == kAdmin + 1);
  CHECK(rows[1].is_null(4));
}

TEST_CASE("wallets are looked up in chunks, in the order asked", "[integration]") {
  Store s;
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 100; id < 170; ++id) {
    ids.push_back(id);
    if (id % 3 == 0) s.rental().set_cash(id, std::to_string(id) + ".01", kAdmin);
  }
  const auto wallets = s.rental().wallets(ids);
  REQUIRE(wallets.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    INFO(ids[i]);
    CHECK(wallets[i].user_id == ids[i]);
    CHECK(wallets[i].cash.str() == (ids[i] % 3 == 0 ? std::to_string(ids[i]) + ".01" : "0.00"));
  }
}

TEST_CASE("everything committed survives closing the pool and reopening", "[integration]") {
  Store s;
  s.rental().set_cash(kAnn, "50.00", kAdmin);
  s.rental().start({kWasher, kAnn, 30});
  s.rental().start({kDryer, kAnn, 60});
  s.clock.advance(10min);
  s.rental().stop({kWasher, kAnn, false});
  const auto cash = s.rental().wallets({kAnn}).at(0).cash;
  const auto ledger = s.rental().ledger(kAnn).size();
  s.restart();
  CHECK(s.rental().wallets({kAnn}).at(0).cash == cash);
  CHECK(cash.str() == "48.30");  // 50 − 0.60 − 1.50 + 0.40
  CHECK(s.rental().ledger(kAnn).size() == ledger);
  const auto dryer = s.rental().get_device(kDryer);
  CHECK(dryer.running());
  CHECK(dryer.record.user_id == kAnn);
  CHECK(dryer.time_left() == 3000.0);
  CHECK_FALSE(s.rental().get_device(kWasher).running());
  CHECK(s.count("SELECT COUNT(*) FROM sessions") == 2);
}
