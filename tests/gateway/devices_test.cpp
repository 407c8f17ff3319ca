// rental's device endpoints, wallets on UserResponse, idempotency forwarding and the WebSocket
// handshake, through the dispatcher against the fake services.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "dispatch_harness.h"
#include "http/idempotency.h"

using namespace fleet::gateway;
using testing::Harness;
namespace json = boost::json;

namespace {

json::value body_of(const http::Response& r) { return json::parse(r.body); }

// Two demo devices and some cash for alice.
struct Rental : Harness {
  Rental() {
    backend.add_device(1, "Washer 1", "washer", "1.20");
    backend.add_device(2, "Dryer 1", "dryer", "1.50");
    backend.wallets[alice.id()] = "10.00";
  }
  std::string start_body(std::int64_t user_id, int minutes) {
    return R"({"user_id":)" + std::to_string(user_id) + R"(,"duration_minutes":)" +
           std::to_string(minutes) + "}";
  }
  int calls_of(const std::string& name) const {
    int n = 0;
    for (const auto& c : backend.calls) n += c == name ? 1 : 0;
    return n;
  }
};

void check_device(const json::value& d) {
  const std::set<std::string> keys{"id",      "name",     "type",     "hourly_cost",
                                   "user_id", "end_time", "time_left"};
  std::set<std::string> got;
  for (const auto& kv : d.as_object()) got.insert(std::string(kv.key()));
  CHECK(got == keys);
  CHECK(d.at("id").is_int64());
  CHECK(d.at("name").is_string());
  CHECK(d.at("type").is_string());
  CHECK(d.at("hourly_cost").is_double());
  const bool running = !d.at("user_id").is_null();
  if (running) {
    CHECK(d.at("user_id").is_int64());
    CHECK(std::regex_match(std::string(d.at("end_time").as_string()),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
    CHECK(d.at("time_left").is_double());
  } else {
    CHECK(d.at("end_time").is_null());
    CHECK(d.at("time_left").is_null());
  }
}

std::string issue_of(const http::Response& r, std::size_t i = 0) {
  return json::serialize(body_of(r).at("detail").at(i));
}

}  // namespace

TEST_CASE("rental devices: list and get, fields and JSON types") {
  Rental h;
  CHECK(h.call("GET", "/device/all").status == 401);
  CHECK(h.call("GET", "/device/1").body == R"({"detail":"Not authenticated"})");

  auto all = h.as(h.alice, "GET", "/device/all");
  REQUIRE(all.status == 200);
  CHECK(all.header("Content-Type") == "application/json");
  CHECK(all.body.find(R"("hourly_cost":1.20,)") != std::string::npos);
  auto list = body_of(all).as_array();
  REQUIRE(list.size() == 2);
  for (const auto& d : list) check_device(d);
  CHECK(list[0].at("hourly_cost").as_double() == 1.2);

  auto one = h.as(h.bob, "GET", "/device/2");
  REQUIRE(one.status == 200);
  CHECK(one.body == R"({"id":2,"name":"Dryer 1","type":"dryer","hourly_cost":1.50,"user_id":null,)"
                    R"("end_time":null,"time_left":null})");

  auto bad = h.as(h.bob, "GET", "/device/abc");
  CHECK(bad.status == 422);
  CHECK(
      issue_of(bad) ==
      R"({"type":"int_parsing","loc":["path","device_id"],"msg":"Input should be a valid integer, unable to parse string as an integer"})");
  auto missing = h.as(h.bob, "GET", "/device/99");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"detail":"Device not found"})");
}

TEST_CASE("rental devices: start charges exactly, renders from the proto, refuses rule breaks") {
  Rental h;
  const auto alice = std::to_string(h.alice.id());
  auto started = h.as(h.alice, "POST", "/device/start/2", h.start_body(h.alice.id(), 60));
  REQUIRE(started.status == 200);
  auto device = body_of(started);
  check_device(device);
  CHECK(device.at("user_id") == h.alice.id());
  CHECK(device.at("time_left").as_double() > 3599.0);
  CHECK(device.at("time_left").as_double() <= 3600.0);
  CHECK(h.backend.wallets[h.alice.id()] == "8.50");  // 60 min at 1.50/h from 10.00
  auto me = h.as(h.alice, "GET", "/user/" + alice);
  CHECK(me.body.find(R"("cash":8.50,)") != std::string::npos);
  check_device(body_of(h.as(h.bob, "GET", "/device/2")));

  auto busy = h.as(h.alice, "POST", "/device/start/2", h.start_body(h.alice.id(), 5));
  CHECK(busy.status == 400);
  CHECK(busy.body == R"({"detail":"Device is already running"})");

  auto other = h.as(h.alice, "POST", "/device/start/1", h.start_body(h.bob.id(), 5));
  CHECK(other.status == 403);
  CHECK(other.body == R"({"detail":"Not enough permissions"})");

  auto nobody = h.as(h.admin, "POST", "/device/start/1", h.start_body(987654, 5));
  CHECK(nobody.status == 404);
  CHECK(nobody.body == R"({"detail":"User not found"})");

  auto poor = h.as(h.admin, "POST", "/device/start/1", h.start_body(h.bob.id(), 5));
  CHECK(poor.status == 400);
  CHECK(poor.body == R"({"detail":"Insufficient funds"})");

  auto unknown = h.as(h.alice, "POST", "/device/start/99", h.start_body(h.alice.id(), 5));
  CHECK(unknown.status == 404);
  CHECK(unknown.body == R"({"detail":"Device not found"})");

  // An admin may start for anyone with the cash.
  h.backend.wallets[h.bob.id()] = "1.00";
  auto for_bob = h.as(h.admin, "POST", "/device/start/1", h.start_body(h.bob.id(), 30));
  REQUIRE(for_bob.status == 200);
  CHECK(body_of(for_bob).at("user_id") == h.bob.id());
  CHECK(h.backend.wallets[h.bob.id()] == "0.40");
}

TEST_CASE("rental devices: start validation happens before any service call") {
  Rental h;
  h.backend.calls.clear();
  auto missing = h.as(h.alice, "POST", "/device/start/1", R"({"duration_minutes":5})");
  CHECK(missing.status == 422);
  CHECK(issue_of(missing) ==
        R"({"type":"missing","loc":["body","user_id"],"msg":"Field required"})");
  auto both = h.as(h.alice, "POST", "/device/start/x", "{}");
  CHECK(body_of(both).at("detail").as_array().size() == 3);
  CHECK(
      issue_of(both) ==
      R"({"type":"int_parsing","loc":["path","device_id"],"msg":"Input should be a valid integer, unable to parse string as an integer"})");
  auto text_id =
      h.as(h.alice, "POST", "/device/start/1", R"({"user_id":"1","duration_minutes":5})");
  CHECK(issue_of(text_id) ==
        R"({"type":"int_type","loc":["body","user_id"],"msg":"Input should be a valid integer"})");
  auto zero = h.as(h.alice, "POST", "/device/start/1", h.start_body(h.alice.id(), 0));
  CHECK(
      issue_of(zero) ==
      R"({"type":"greater_than_equal","loc":["body","duration_minutes"],"msg":"Input should be greater than or equal to 1"})");
  auto negative = h.as(h.alice, "POST", "/device/start/1", h.start_body(h.alice.id(), -5));
  CHECK(body_of(negative).at("detail").at(0).at("type") == "greater_than_equal");
  auto long_one = h.as(h.alice, "POST", "/device/start/1", h.start_body(h.alice.id(), 1441));
  CHECK(
      issue_of(long_one) ==
      R"({"type":"less_than_equal","loc":["body","duration_minutes"],"msg":"Input should be less than or equal to 1440"})");
  auto fraction =
      h.as(h.alice, "POST", "/device/start/1", R"({"user_id":1,"duration_minutes":1.5})");
  CHECK(fraction.status == 422);
  auto not_json = h.as(h.alice, "POST", "/device/start/1", "{nope");
  CHECK(body_of(not_json).at("detail").at(0).at("type") == "json_invalid");
  CHECK(h.as(h.alice, "POST", "/device/start/1").status == 422);  // no body
  CHECK(h.backend.calls.empty());
  h.backend.wallets[h.alice.id()] = "28.80";  // a day at 1.20/h
  CHECK(h.as(h.alice, "POST", "/device/start/1", h.start_body(h.alice.id(), 1440)).status == 200);
  CHECK(h.backend.wallets[h.alice.id()] == "0.00");
}

TEST_CASE("rental devices: stop refunds, only the session's user or an admin") {
  Rental h;
  REQUIRE(h.as(h.alice, "POST", "/device/start/2", h.start_body(h.alice.id(), 60)).status == 200);
  auto foreign = h.as(h.bob, "POST", "/device/stop/2");
  CHECK(foreign.status == 403);
  CHECK(foreign.body == R"({"detail":"Not enough permissions"})");

  auto stopped = h.as(h.alice, "POST", "/device/stop/2");
  REQUIRE(stopped.status == 200);
  auto body = body_of(stopped);
  CHECK(body.at("message") == "Device stopped successfully");
  check_device(body.at("device"));
  CHECK(body.at("device").at("user_id").is_null());
  CHECK(body.at("refund_amount").is_double());
  // 3599 whole seconds left at 1.50/h: 1.4996 rounds half up to 1.50, written exactly.
  CHECK(stopped.body.find(R"("refund_amount":1.50})") != std::string::npos);
  CHECK(h.backend.wallets[h.alice.id()] == "10.00");

  auto idle = h.as(h.alice, "POST", "/device/stop/2");
  CHECK(idle.status == 400);
  CHECK(idle.body == R"({"detail":"Device is not running"})");
  CHECK(h.as(h.alice, "POST", "/device/stop/99").status == 404);
  CHECK(h.as(h.alice, "POST", "/device/stop/x").status == 422);

  REQUIRE(h.as(h.alice, "POST", "/device/start/2", h.start_body(h.alice.id(), 60)).status == 200);
  CHECK(h.as(h.admin, "POST", "/device/stop/2").status == 200);
  CHECK(h.backend.calls.back() == "device_session.StopDevice");
}

TEST_CASE("rental devices: X-Idempotency-Key is forwarded and the verdict mapped") {
  Rental h;
  const auto body = h.start_body(h.alice.id(), 60);
  const std::vector<http::Header> key{{"X-Idempotency-Key", "start-1"}};
  auto first = h.as(h.alice, "POST", "/device/start/2", body, key);
  REQUIRE(first.status == 200);
  CHECK(first.header("Idempotent-Replayed").empty());
  const auto& sent = h.backend.idempotency_sent.back();
  CHECK(sent.key == "start-1");
  CHECK(sent.caller == std::to_string(h.alice.id()));
  CHECK(sent.fingerprint == http::request_fingerprint("POST", "/device/start/2", body));

  auto again = h.as(h.alice, "POST", "/device/start/2", body, key);
  CHECK(again.status == 200);
  CHECK(again.body == first.body);  // byte for byte, time_left included
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(h.backend.wallets[h.alice.id()] == "8.50");  // charged once

  auto different = h.as(h.alice, "POST", "/device/start/2", h.start_body(h.alice.id(), 30), key);
  CHECK(different.status == 422);
  CHECK(different.body == R"({"detail":"Idempotency key was used with a different request"})");

  h.backend.next_in_flight = true;
  auto racing = h.as(h.alice, "POST", "/device/start/2", body, key);
  CHECK(racing.status == 409);
  CHECK(racing.body == R"({"detail":"A request with this idempotency key is in progress"})");

  // Keys are per caller: bob's "start-1" is another key.
  h.backend.wallets[h.bob.id()] = "5.00";
  auto bobs = h.as(h.bob, "POST", "/device/start/1", h.start_body(h.bob.id(), 10), key);
  CHECK(bobs.status == 200);
  CHECK(bobs.header("Idempotent-Replayed").empty());

  // Without a key nothing is sent.
  h.as(h.alice, "POST", "/device/stop/2");
  CHECK(h.backend.idempotency_sent.back().key.empty());

  const std::vector<http::Header> stop_key{{"X-Idempotency-Key", "stop-1"}};
  REQUIRE(h.as(h.alice, "POST", "/device/start/2", body).status == 200);
  auto stop = h.as(h.alice, "POST", "/device/stop/2", {}, stop_key);
  REQUIRE(stop.status == 200);
  auto stop_again = h.as(h.alice, "POST", "/device/stop/2", {}, stop_key);
  CHECK(stop_again.status == 200);
  CHECK(stop_again.body == stop.body);
  CHECK(stop_again.header("Idempotent-Replayed") == "true");
}

TEST_CASE("rental devices: a malformed idempotency key is 422 before any call") {
  Rental h;
  h.backend.calls.clear();
  const auto body = h.start_body(h.alice.id(), 5);
  auto empty = h.as(h.alice, "POST", "/device/start/1", body, {{"X-Idempotency-Key", ""}});
  CHECK(empty.status == 422);
  CHECK(
      issue_of(empty) ==
      R"({"type":"string_too_short","loc":["header","x-idempotency-key"],"msg":"String should have at least 1 character"})");
  auto long_key = h.as(h.alice, "POST", "/device/start/1", body,
                       {{"X-Idempotency-Key", std::string(256, 'k')}});
  CHECK(body_of(long_key).at("detail").at(0).at("type") == "string_too_long");
  auto spaced = h.as(h.alice, "POST", "/device/stop/1", {}, {{"X-Idempotency-Key", "two words"}});
  CHECK(spaced.status == 422);
  CHECK(body_of(spaced).at("detail").at(0).at("type") == "string_pattern_mismatch");
  CHECK(h.backend.calls.empty());
  CHECK(
      h.as(h.alice, "POST", "/device/start/1", body, {{"X-Idempotency-Key", std::string(255, '~')}})
          .status == 200);
}

TEST_CASE("rental: cash from the wallets on every UserResponse; admin SetCash") {
  Rental h;
  const auto alice = std::to_string(h.alice.id());
  CHECK(h.as(h.alice, "GET", "/user/" + alice).body.find(R"("cash":10.00,)") != std::string::npos);
  CHECK(h.as(h.admin, "GET", "/user/" + std::to_string(h.bob.id())).body.find(R"("cash":0.00,)") !=
        std::string::npos);

  h.backend.calls.clear();
  auto all = h.as(h.admin, "GET", "/user/all");
  REQUIRE(all.status == 200);
  CHECK(h.calls_of("device_session.GetWallets") == 1);  // one batched call
  const auto users = body_of(all);
  for (const auto& user : users.as_array()) CHECK(user.at("cash").is_double());
  CHECK(all.body.find(R"("cash":10.00,)") != std::string::npos);

  auto set = h.as(h.admin, "PATCH", "/user/" + alice, R"({"cash":25.5})");
  REQUIRE(set.status == 200);
  CHECK(set.body.find(R"("cash":25.50,)") != std::string::npos);
  REQUIRE(h.backend.cash_changes.size() == 1);
  CHECK(h.backend.cash_changes.back().user_id() == h.alice.id());
  CHECK(h.backend.cash_changes.back().cash() == "25.5");
  CHECK(h.backend.cash_changes.back().actor_user_id() == h.admin.id());
  CHECK(h.as(h.admin, "PATCH", "/user/" + alice, R"({"cash":0})").body.find(R"("cash":0.00,)") !=
        std::string::npos);
  CHECK(h.backend.cash_changes.back().cash() == "0");

  auto both = h.as(h.admin, "PATCH", "/user/" + alice, R"({"name":"alicia","cash":1.25})");
  REQUIRE(both.status == 200);
  CHECK(body_of(both).at("name") == "alicia");
  CHECK(both.body.find(R"("cash":1.25,)") != std::string::npos);

  h.backend.calls.clear();
  auto places = h.as(h.admin, "PATCH", "/user/" + alice, R"({"cash":1.005})");
  CHECK(places.status == 422);
  CHECK(
      issue_of(places) ==
      R"({"type":"decimal_max_places","loc":["body","cash"],"msg":"Decimal input should have no more than 2 decimal places"})");
  auto huge = h.as(h.admin, "PATCH", "/user/" + alice, R"({"cash":1e11})");
  CHECK(body_of(huge).at("detail").at(0).at("type") == "less_than_equal");
  CHECK(h.as(h.alice, "PATCH", "/user/" + alice, R"({"cash":5})").status == 403);
  CHECK(h.calls_of("device_session.SetCash") == 0);

  auto created = h.as(h.admin, "POST", "/user", R"({"name":"dora","password":"pw"})");
  REQUIRE(created.status == 200);
  CHECK(created.body.find(R"("cash":0.00,)") != std::string::npos);
}

TEST_CASE("sockets: the handshake is refused in HTTP, accepted with a handler") {
  Rental h;
  const std::string token = h.backend.token_for(h.alice);
  for (std::string path : {"/device/ws/timeleft/1", "/device/ws/status/1", "/api/v1/ws/c1"}) {
    CAPTURE(path);
    auto none = h.upgrade(path);
    CHECK_FALSE(none.handler);
    CHECK(none.refusal.status == 401);
    CHECK(none.refusal.body == R"({"detail":"Not authenticated"})");
    CHECK(none.refusal.header("WWW-Authenticate") == "Bearer");
    auto bad = h.upgrade(path + "?token=nope");
    CHECK(bad.refusal.status == 401);
    CHECK(bad.refusal.body == R"({"detail":"Could not validate credentials"})");
    CHECK(h.upgrade(path, {{"Authorization", "Bearer " + token}}).handler);
    CHECK(h.upgrade(path + "?token=" + token).handler);
  }
  auto not_int = h.upgrade("/device/ws/timeleft/one?token=" + token);
  CHECK(not_int.refusal.status == 422);
  CHECK(
      issue_of(not_int.refusal) ==
      R"({"type":"int_parsing","loc":["path","device_id"],"msg":"Input should be a valid integer, unable to parse string as an integer"})");
  auto unknown = h.upgrade("/device/ws/status/99?token=" + token);
  CHECK(unknown.refusal.status == 404);
  CHECK(unknown.refusal.body == R"({"detail":"Device not found"})");
  auto nowhere = h.upgrade("/device/ws/other/1?token=" + token);
  CHECK(nowhere.refusal.status == 404);
  CHECK(nowhere.refusal.body == R"({"detail":"Not Found"})");
  // A plain GET on a socket path is no HTTP route.
  CHECK(h.as(h.alice, "GET", "/device/ws/timeleft/1").status == 404);
}

TEST_CASE("metrics endpoint needs no token") {
  Rental h;
  h.metrics.count_request("/device/all", 200);
  auto metrics = h.call("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.header("Content-Type").substr(0, 10) == "text/plain");
  CHECK(metrics.body.find("fleetgate_upstream_device_streams 0") != std::string::npos);
  CHECK(metrics.body.find("fleetgate_http_requests_total{surface=\"rental\",status=\"200\"} 1") !=
        std::string::npos);
}
