// The streetlight rules on an in-memory repository: reading, summaries counted from the lights,
// control and status reports with their logs, and the refusals with their client-safe texts.
#include <catch2/catch.hpp>

#include "domain/errors.h"
#include "domain/streetlights.h"
#include "fake_repository.h"

using namespace fleet::streetlight;
using namespace std::chrono_literals;
using fleet::ErrorCode;

namespace {

struct World {
  testing::FakeRepository repository;
  fleet::ManualClock clock;
  Streetlights lights{repository, clock};
  World() { lights.ensure_demo_lights(); }
};

// Runs f and returns the DomainError it throws (fails the test if none).
template <class F>
fleet::DomainError refusal(F&& f) {
  try {
    f();
  } catch (const fleet::DomainError& e) {
    return e;
  }
  FAIL("no DomainError");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("demo lights: SL001-SL005 in Delhi (off, on, error, off, on) and three in Mumbai") {
  World w;
  auto delhi = w.lights.list_lights("Delhi");
  REQUIRE(delhi.size() == 5);
  std::vector<std::string> ids, statuses;
  for (const auto& l : delhi) {
    ids.push_back(l.light_id);
    statuses.emplace_back(to_string(l.status));
  }
  CHECK(ids == std::vector<std::string>{"SL001", "SL002", "SL003", "SL004", "SL005"});
  CHECK(statuses == std::vector<std::string>{"off", "on", "error", "off", "on"});
  CHECK(delhi[2].error_details == std::optional<std::string>("Bulb failed"));
  CHECK(delhi[0].is_automatic);
  CHECK(w.lights.list_lights("Mumbai").size() == 3);
  CHECK(w.lights.list_lights("").size() == 8);
  CHECK(w.lights.list_lights("Atlantis").empty());
  // Seeding again adds nothing.
  w.lights.ensure_demo_lights();
  CHECK(w.lights.list_lights("").size() == 8);
}

TEST_CASE("summary counts the lights and follows a control at once") {
  World w;
  auto s = w.lights.city_summary("Delhi");
  CHECK(s.city == "Delhi");
  CHECK(s.total_lights == 5);
  CHECK(s.lights_on == 2);
  CHECK(s.lights_off == 2);
  CHECK(s.lights_in_error == 1);
  w.clock.advance(5s);
  w.lights.control({"SL001", "on", "op@example.com"});
  auto after = w.lights.city_summary("Delhi");
  CHECK(after.lights_on == 3);
  CHECK(after.lights_off == 1);
  CHECK(after.last_updated == w.clock.now());
  CHECK(after.id == s.id);
}

TEST_CASE("a city without lights has no summary, and a summary needs a city") {
  World w;
  auto e = refusal([&] { w.lights.city_summary("Atlantis"); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK(std::string(e.what()) == "No data for city");
  e = refusal([&] { w.lights.city_summary(""); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);
  CHECK(std::string(e.what()) == "City not provided");
}

TEST_CASE("control sets the status, marks the light manual, clears errors and logs the caller") {
  World w;
  w.clock.advance(1min);
  auto light = w.lights.control({"SL003", "on", "op@example.com"});
  CHECK(light.status == LightStatus::kOn);
  CHECK_FALSE(light.is_automatic);
  CHECK_FALSE(light.error_details);
  CHECK(light.last_status_change == w.clock.now());
  auto detail = w.lights.get_light("SL003");
  CHECK(detail.light.status == LightStatus::kOn);
  CHECK_FALSE(detail.light.is_automatic);
  REQUIRE(detail.recent_logs.size() == 1);
  const auto& log = detail.recent_logs[0];
  CHECK(log.light_id == "SL003");
  CHECK(log.action == "on");
  CHECK(log.performed_by == "op@example.com");
  CHECK(log.control_type == ControlType::kManual);
  CHECK(log.previous_status == LightStatus::kError);
  CHECK(log.new_status == LightStatus::kOn);
  CHECK(log.created_at == w.clock.now());
}

TEST_CASE("control refuses actions other than on and off, and unknown lights, changing nothing") {
  World w;
  for (const char* action : {"error", "ON", "", "blink"}) {
    auto e = refusal([&] { w.lights.control({"SL001", action, "op@example.com"}); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()) == "Action must be 'on' or 'off'");
  }
  auto e = refusal([&] { w.lights.control({"SL999", "on", "op@example.com"}); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK(std::string(e.what()) == "Light not found");
  e = refusal([&] { w.lights.control({"", "on", "op@example.com"}); });
  CHECK(std::string(e.what()) == "Light ID not provided");
  CHECK(w.repository.state.logs.empty());
  CHECK(w.lights.get_light("SL001").light.is_automatic);
}

TEST_CASE("status reports: on, off or error with details, logged as automatic") {
  World w;
  auto light = w.lights.report_status({"SL001", "error", std::string("Bulb failed"), "op@x.io"});
  CHECK(light.status == LightStatus::kError);
  CHECK(light.error_details == std::optional<std::string>("Bulb failed"));
  CHECK(light.is_automatic);  // a report does not make the light manual
  // Details are kept only with an error.
  light = w.lights.report_status({"SL001", "on", std::string("ignored"), "op@x.io"});
  CHECK(light.status == LightStatus::kOn);
  CHECK_FALSE(light.error_details);
  auto detail = w.lights.get_light("SL001");
  REQUIRE(detail.recent_logs.size() == 2);
  CHECK(detail.recent_logs[0].action == "on");  // newest first
  CHECK(detail.recent_logs[0].control_type == ControlType::kAutomatic);
  CHECK(detail.recent_logs[0].previous_status == LightStatus::kError);
  CHECK(detail.recent_logs[1].action == "error");
  // A manual light stays manual after a report.
  w.lights.control({"SL001", "off", "op@x.io"});
  CHECK_FALSE(w.lights.report_status({"SL001", "on", {}, "op@x.io"}).is_automatic);
}

TEST_CASE("status reports refuse other statuses and overlong details") {
  World w;
  for (const char* status : {"blink", "ERROR", "", "broken"}) {
    auto e = refusal([&] { w.lights.report_status({"SL001", status, {}, "op@x.io"}); });
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()) == "Status must be 'on', 'off' or 'error'");
  }
  auto e = refusal(
      [&] { w.lights.report_status({"SL001", "error", std::string(501, 'x'), "op@x.io"}); });
  CHECK(std::string(e.what()) == "Error details must be at most 500 characters");
  // 500 characters of two bytes each are fine.
  std::string wide;
  for (int i = 0; i < 500; ++i) wide += "\xC3\xA9";
  CHECK(w.lights.report_status({"SL001", "error", wide, "op@x.io"}).error_details == wide);
  e = refusal([&] { w.lights.report_status({"SL404", "on", {}, "op@x.io"}); });
  CHECK(e.code() == ErrorCode::kNotFound);
}

TEST_CASE("detail: recent logs are limited, newest first") {
  World w;
  for (int i = 0; i < 15; ++i) {
    w.clock.advance(1s);
    w.lights.control({"SL002", i % 2 == 0 ? "off" : "on", "op@x.io"});
  }
  auto detail = w.lights.get_light("SL002");
  REQUIRE(detail.recent_logs.size() == kDefaultLogLimit);
  CHECK(detail.recent_logs.front().created_at > detail.recent_logs.back().created_at);
  CHECK(w.lights.get_light("SL002", 3).recent_logs.size() == 3);
  CHECK(w.lights.get_light("SL002", 1000).recent_logs.size() == 15);
  auto e = refusal([&] { w.lights.get_light("nope"); });
  CHECK(e.code() == ErrorCode::kNotFound);
  CHECK(std::string(e.what()) == "Light not found");
}
