// The streetlight domain on a real MariaDB (TEST_DB_*): rows, exact coordinates, case-insensitive
// cities, summaries counted from the lights, locking under concurrent control, restarts.
#include <catch2/catch.hpp>
#include <future>

#include "domain/streetlights.h"
#include "fleet/common/error.h"
#include "repository/mariadb_streetlight_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::streetlight;
using namespace std::chrono_literals;

namespace {

// One service instance: its own pool, repository and domain over the shared database.
struct Instance {
  Instance(const fleet::db::Config& config, const fleet::Clock& clock)
      : pool(config), repository(pool), lights(repository, clock) {}
  fleet::db::Pool pool;
  MariadbStreetlightRepository repository;
  Streetlights lights;
};

struct Store {
  fleet::db::testing::TestDatabase db;
  fleet::db::Config config;
  // Microseconds that are not round, to see DATETIME(6) keep them.
  fleet::ManualClock clock{std::chrono::sys_days{std::chrono::December / 16 / 2025} + 10h +
                           30min + 123456us};
  std::unique_ptr<Instance> app;

  Store() : config(db.config()) {
    config.pool_size = 24;
    fleet::db::migrate(config, kMigrations);
    restart();
    app->lights.ensure_demo_lights();
  }
  void restart() {
    app.reset();
    app = std::make_unique<Instance>(config, clock);
  }
  Streetlights& lights() { return app->lights; }
  std::int64_t count(const std::string& sql, const fleet::db::Params& params = {}) {
    return app->pool.acquire()->query_one(sql, params)->i64(0);
  }
};

}  // namespace

TEST_CASE("demo lights are stored once, with their coordinates and statuses", "[integration]") {
  Store s;
  s.lights().ensure_demo_lights();  // again: nothing new
  CHECK(s.count("SELECT COUNT(*) FROM lights") == 8);
  CHECK(s.count("SELECT COUNT(*) FROM cities") == 2);
  CHECK(s.count("SELECT MAX(id) FROM cities") == 2);  // seeding again takes no ids
  auto delhi = s.lights().list_lights("Delhi");
  REQUIRE(delhi.size() == 5);
  CHECK(delhi[0].light_id == "SL001");
  CHECK(delhi[0].latitude == 28.6139);
  CHECK(delhi[0].longitude == 77.2090);
  CHECK(delhi[0].address == "Main Road, Delhi");
  CHECK(delhi[0].brightness == 100);
  CHECK(delhi[0].is_automatic);
  CHECK(delhi[0].last_status_change == s.clock.now());
  CHECK(delhi[2].status == LightStatus::kError);
  CHECK(delhi[2].error_details == std::optional<std::string>("Bulb failed"));
  CHECK_FALSE(delhi[1].error_details);
  // Cities compare without case; the stored name is returned.
  auto lower = s.lights().list_lights("delhi");
  REQUIRE(lower.size() == 5);
  CHECK(lower[0].city == "Delhi");
  CHECK(s.lights().list_lights("").size() == 8);
  CHECK(s.lights().list_lights("Atlantis").empty());
}

TEST_CASE("summary is counted from the lights and follows every change", "[integration]") {
  Store s;
  auto before = s.lights().city_summary("DELHI");
  CHECK(before.city == "Delhi");
  CHECK(before.total_lights == 5);
  CHECK(before.lights_on == 2);
  CHECK(before.lights_off == 2);
  CHECK(before.lights_in_error == 1);
  s.clock.advance(90s);
  s.lights().control({"SL003", "off", "op@example.com"});
  auto after = s.lights().city_summary("Delhi");
  CHECK(after.id == before.id);
  CHECK(after.lights_off == 3);
  CHECK(after.lights_in_error == 0);
  CHECK(after.last_updated == s.clock.now());
  CHECK_THROWS_AS(s.lights().city_summary("Atlantis"), fleet::DomainError);
  auto mumbai = s.lights().city_summary("Mumbai");
  CHECK(mumbai.total_lights == 3);
  CHECK(mumbai.id != before.id);
}

TEST_CASE("control and reports persist with their logs, across a restart", "[integration]") {
  Store s;
  s.clock.advance(1s);
  s.lights().control({"SL001", "on", "op@example.com"});
  s.clock.advance(1s);
  s.lights().report_status({"SL001", "error", std::string("Pole down \xE2\x9A\xA1"), "dev@x.io"});
  s.restart();
  auto detail = s.lights().get_light("sl001");
  CHECK(detail.light.light_id == "SL001");
  CHECK(detail.light.status == LightStatus::kError);
  CHECK(detail.light.error_details == std::optional<std::string>("Pole down \xE2\x9A\xA1"));
  CHECK_FALSE(detail.light.is_automatic);
  CHECK(detail.light.last_status_change == s.clock.now());
  REQUIRE(detail.recent_logs.size() == 2);
  CHECK(detail.recent_logs[0].action == "error");
  CHECK(detail.recent_logs[0].control_type == ControlType::kAutomatic);
  CHECK(detail.recent_logs[0].performed_by == "dev@x.io");
  CHECK(detail.recent_logs[0].previous_status == LightStatus::kOn);
  CHECK(detail.recent_logs[1].action == "on");
  CHECK(detail.recent_logs[1].control_type == ControlType::kManual);
  CHECK(detail.recent_logs[1].performed_by == "op@example.com");
  CHECK(detail.recent_logs[1].previous_status == LightStatus::kOff);
  CHECK(detail.recent_logs[1].created_at == s.clock.now() - 1s);
  // A report of on clears the details.
  s.lights().report_status({"SL001", "on", {}, "dev@x.io"});
  CHECK_FALSE(s.lights().get_light("SL001").light.error_details);
}

TEST_CASE("a refused change writes nothing", "[integration]") {
  Store s;
  CHECK_THROWS_AS(s.lights().control({"SL001", "blink", "op@x.io"}), fleet::DomainError);
  CHECK_THROWS_AS(s.lights().report_status({"SL001", "broken", {}, "op@x.io"}),
                  fleet::DomainError);
  CHECK_THROWS_AS(s.lights().control({"SL404", "on", "op@x.io"}), fleet::DomainError);
  CHECK(s.count("SELECT COUNT(*) FROM control_logs") == 0);
  CHECK(s.lights().get_light("SL001").light.is_automatic);
}

TEST_CASE("concurrent controls of one light: every one logged, the log chains", "[integration]") {
  Store s;
  std::vector<std::unique_ptr<Instance>> instances;
  for (int i = 0; i < 8; ++i) instances.push_back(std::make_unique<Instance>(s.config, s.clock));
  std::promise<void> go;
  auto start = go.get_future().share();
  std::vector<std::future<void>> done;
  for (int i = 0; i < 8; ++i) {
    done.push_back(std::async(std::launch::async, [&, i, start] {
      start.wait();
      instances[i]->lights.control({"SL004", i % 2 == 0 ? "on" : "off", "op@x.io"});
    }));
  }
  go.set_value();
  for (auto& f : done) f.get();
  auto detail = s.lights().get_light("SL004", 100);
  REQUIRE(detail.recent_logs.size() == 8);
  // Each change saw the one before it (the row was locked): previous = the older log's new.
  for (std::size_t i = 0; i + 1 < detail.recent_logs.size(); ++i) {
    CHECK(detail.recent_logs[i].previous_status == detail.recent_logs[i + 1].new_status);
  }
  CHECK(detail.recent_logs.back().previous_status == LightStatus::kOff);
  CHECK(detail.light.status == detail.recent_logs.front().new_status);
}
