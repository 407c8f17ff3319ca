// Exact JSON for rental devices and the countdown messages, the idempotency fingerprint and the
// metrics text (fleet_gateway_core only).
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "app/metrics.h"
#include "http/idempotency.h"
#include "realtime/device_state.h"
#include "render/devices.h"
#include "render/json_writer.h"

using namespace fleet::gateway;
namespace dspb = ::fleetgate::device_session::v1;

namespace {
constexpr std::int64_t k20250110T100000 = 1736503200;

dspb::Device washer(bool running) {
  dspb::Device d;
  d.set_id(1);
  d.set_name("Washer \"A\"");
  d.set_type("washer");
  d.set_hourly_cost("1.50");
  d.set_running(running);
  if (running) {
    d.set_user_id(7);
    d.mutable_end_time()->set_seconds(k20250110T100000);
    d.mutable_end_time()->set_nanos(250'000'000);
    d.set_time_left(3599.75);
  }
  return d;
}

realtime::TimePoint at(std::int64_t seconds, std::int64_t millis = 0) {
  return realtime::TimePoint(std::chrono::seconds(seconds) + std::chrono::milliseconds(millis));
}
}  // namespace

TEST_CASE("JsonWriter: exact decimals, floats as Python prints them, escaping") {
  render::JsonWriter out;
  out.begin_object();
  out.key("a").decimal("8.50");
  out.key("b").decimal("0.00");
  out.key("c").decimal("-1.13");
  out.key("d").floating(3600.0);
  out.key("e").floating(12.5);
  out.key("f").begin_array().integer(1).null().boolean(true).string("x\ny").end_array();
  out.key("g").begin_object().end_object();
  out.end_object();
  CHECK(out.text() ==
        R"({"a":8.50,"b":0.00,"c":-1.13,"d":3600.0,"e":12.5,"f":[1,null,true,"x\ny"],"g":{}})");
  CHECK_NOTHROW(boost::json::parse(out.text()));

  for (auto bad : {"8.5E0", "", ".5", "5.", "1,5", "07.50", "--1", "1.2.3", "NaN"}) {
    CAPTURE(bad);
    CHECK_FALSE(render::is_plain_decimal(bad));
    CHECK_THROWS_AS(render::JsonWriter().decimal(bad), std::invalid_argument);
  }
  for (auto good : {"0", "0.5", "10.00", "9999999999.99", "-0.01"}) {
    CAPTURE(good);
    CHECK(render::is_plain_decimal(good));
  }
  CHECK(render::float_text(0.1) == "0.1");
  CHECK(render::float_text(59.999) == "59.999");
}

TEST_CASE("DeviceResponse from the proto alone") {
  CHECK(render::device_json(washer(false)) ==
        R"({"id":1,"name":"Washer \"A\"","type":"washer","hourly_cost":1.50,"user_id":null,)"
        R"("end_time":null,"time_left":null})");
  CHECK(render::device_json(washer(true)) ==
        R"({"id":1,"name":"Washer \"A\"","type":"washer","hourly_cost":1.50,"user_id":7,)"
        R"("end_time":"2025-01-10T10:00:00Z","time_left":3599.75})");
  // A whole number of seconds is still a float, as the original service sent it.
  auto whole = washer(true);
  whole.set_time_left(3600);
  CHECK(render::device_json(whole).find(R"("time_left":3600.0})") != std::string::npos);

  dspb::ListDevicesResponse list;
  *list.add_devices() = washer(false);
  *list.add_devices() = washer(true);
  auto parsed = boost::json::parse(render::devices_json(list));
  REQUIRE(parsed.as_array().size() == 2);
  CHECK(parsed.at(0).at("hourly_cost").is_double());

  dspb::StopDeviceResponse stopped;
  *stopped.mutable_device() = washer(false);
  stopped.set_refund_amount("1.13");
  CHECK(render::stop_json(stopped) ==
        R"({"message":"Device stopped successfully","device":{"id":1,"name":"Washer \"A\"",)"
        R"("type":"washer","hourly_cost":1.50,"user_id":null,"end_time":null,"time_left":null},)"
        R"("refund_amount":1.13})");
}

TEST_CASE("countdown messages derive time_left from end_time and the clock") {
  auto state = realtime::DeviceState::from(washer(true));  // ends at 10:00:00.250
  REQUIRE(state.running);
  CHECK(state.user_id == 7);
  CHECK(state.end_time == at(k20250110T100000, 250));

  // Whole seconds rounded up: a running device counts down to 1; 0 is only ever idle.
  CHECK(realtime::timeleft_message(1, state, at(k20250110T100000 - 60)) ==
        R"({"device_id":1,"time_left":61,"status":"running","user_id":7})");
  CHECK(state.seconds_left(at(k20250110T100000 - 60, 300)) == 60);
  CHECK(realtime::timeleft_message(1, state, at(k20250110T100000, 249)) ==
        R"({"device_id":1,"time_left":1,"status":"running","user_id":7})");
  // Past end_time the session is over, even before the service's expiry event.
  CHECK(realtime::timeleft_message(1, state, at(k20250110T100000, 250)) ==
        R"({"device_id":1,"time_left":0,"status":"idle","user_id":null})");
  CHECK(realtime::status_message(1, state) ==
        R"({"device_id":1,"running":true,"end_time":"2025-01-10T10:00:00Z"})");

  auto idle = realtime::DeviceState::from(washer(false));
  CHECK(realtime::timeleft_message(3, idle, at(k20250110T100000)) ==
        R"({"device_id":3,"time_left":0,"status":"idle","user_id":null})");
  CHECK(realtime::status_message(3, idle) == R"({"device_id":3,"running":false})");
}

TEST_CASE("idempotency key shape and request fingerprint") {
  CHECK(http::is_valid_idempotency_key("a"));
  CHECK(http::is_valid_idempotency_key(std::string(255, '~')));
  CHECK_FALSE(http::is_valid_idempotency_key(""));
  CHECK_FALSE(http::is_valid_idempotency_key(std::string(256, 'a')));
  CHECK_FALSE(http::is_valid_idempotency_key("a b"));
  CHECK_FALSE(http::is_valid_idempotency_key("caf\xc3\xa9"));

  auto fp = http::request_fingerprint("POST", "/device/start/1", R"({"user_id":1})");
  CHECK(fp.size() == 64);
  CHECK(fp.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(fp == http::request_fingerprint("POST", "/device/start/1", R"({"user_id":1})"));
  CHECK(fp != http::request_fingerprint("POST", "/device/start/2", R"({"user_id":1})"));
  CHECK(fp != http::request_fingerprint("POST", "/device/start/1", R"({"user_id":2})"));
  // Length prefixes: moving bytes between parts changes the fingerprint.
  CHECK(http::request_fingerprint("POST", "/a", "b") !=
        http::request_fingerprint("POST", "/ab", ""));
}

TEST_CASE("metrics in Prometheus text format") {
  app::Metrics m;
  m.count_request("/device/all", 200);
  m.count_request("/device/all", 200);
  m.count_request("/api/v1/users", 403);
  m.count_request("/metrics", 200);
  m.count_request("/x", 42);  // not a status: ignored
  m.socket_opened(app::SocketKind::kTimeleft);
  m.socket_opened(app::SocketKind::kTimeleft);
  m.socket_closed(app::SocketKind::kTimeleft);
  m.socket_opened(app::SocketKind::kChat);
  m.socket_dropped_slow();
  m.stream_opened();
  auto text = m.render();
  CHECK(text.find("fleetgate_upstream_device_streams 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_connections{kind=\"timeleft\"} 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_connections{kind=\"status\"} 0\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_connections{kind=\"chat\"} 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_dropped_slow_total 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_http_requests_total{surface=\"rental\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("fleetgate_http_requests_total{surface=\"users-v1\",status=\"403\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("fleetgate_http_requests_total{surface=\"ops\",status=\"200\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("# TYPE fleetgate_ws_dropped_slow_total counter") != std::string::npos);
  CHECK(m.requests("rental", 200) == 2);
}
