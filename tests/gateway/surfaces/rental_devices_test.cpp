// rental's devices (surfaces/rental_devices.cpp) through the dispatcher over canned
// device-session replies: every field and JSON type rendered from the proto, who may start and
// stop, the requests sent, the service's refusals mapped, and X-Idempotency-Key.
#include <catch2/catch.hpp>
#include <regex>
#include <set>

#include "support/devices.h"
#include "support/gateway_harness.h"
#include "support/idempotency_checks.h"
#include "support/replies.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;
namespace json = boost::json;

namespace {

constexpr std::int64_t k20250110T100000 = 1736503200;

dspb::Device idle_dryer() { return device(2, "Dryer 1", "dryer", "1.50"); }

// Dryer 2 (1.50/h), running for `user` until 2025-01-10T11:00:00Z, an hour left.
dspb::Device running_dryer(std::int64_t user) {
  const std::chrono::system_clock::time_point end{std::chrono::seconds(k20250110T100000 + 3600)};
  return running(idle_dryer(), user, end, 3599.5);
}

std::string start_body(std::int64_t user_id, int minutes) {
  return R"({"user_id":)" + std::to_string(user_id) + R"(,"duration_minutes":)" +
         std::to_string(minutes) + "}";
}

dspb::StartDeviceResponse started(std::int64_t user) {
  dspb::StartDeviceResponse response;
  *response.mutable_device() = running_dryer(user);
  response.set_charged_amount("1.50");
  return response;
}

dspb::StopDeviceResponse stopped() {
  dspb::StopDeviceResponse response;
  *response.mutable_device() = idle_dryer();
  response.set_refund_amount("1.50");
  return response;
}

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

const char* kIntParsing =
    R"({"type":"int_parsing","loc":["path","device_id"],"msg":"Input should be a valid integer, unable to parse string as an integer"})";

}  // namespace

TEST_CASE("rental devices: list and get, every field and JSON type from the proto") {
  Harness h;
  CHECK(h.call("GET", "/device/all").status == 401);
  CHECK(h.call("GET", "/device/1").body == R"({"detail":"Not authenticated"})");
  CHECK(h.canned.calls().empty());

  dspb::ListDevicesResponse list;
  *list.add_devices() = device(1);
  *list.add_devices() = running_dryer(h.alice.id());
  h.canned.reply<dspb::ListDevicesRequest>(list);
  auto all = h.as(h.alice, "GET", "/device/all");
  REQUIRE(all.status == 200);
  CHECK(all.header("Content-Type") == "application/json");
  CHECK(all.body.find(R"("hourly_cost":1.20,)") != std::string::npos);
  auto devices = body_of(all).as_array();
  REQUIRE(devices.size() == 2);
  for (const auto& d : devices) check_device(d);
  CHECK(devices[0].at("hourly_cost").as_double() == 1.2);
  CHECK(all.body.find(R"("user_id":3,"end_time":"2025-01-10T11:00:00Z","time_left":3599.5})") !=
        std::string::npos);

  dspb::GetDeviceResponse one;
  *one.mutable_device() = idle_dryer();
  h.canned.reply<dspb::GetDeviceRequest>(one);
  auto got = h.as(h.bob, "GET", "/device/2");
  REQUIRE(got.status == 200);
  CHECK(got.body == R"({"id":2,"name":"Dryer 1","type":"dryer","hourly_cost":1.50,"user_id":null,)"
                    R"("end_time":null,"time_left":null})");
  CHECK(h.canned.last<dspb::GetDeviceRequest>().device_id() == 2);

  auto bad = h.as(h.bob, "GET", "/device/abc");
  CHECK(bad.status == 422);
  CHECK(issue_of(bad) == kIntParsing);
  h.canned.fail<dspb::GetDeviceRequest>(grpc::StatusCode::NOT_FOUND, "Device not found");
  auto missing = h.as(h.bob, "GET", "/device/99");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"detail":"Device not found"})");
  // A deleted account's token reads no device.
  h.accounts.erase(h.bob.id());
  CHECK(h.as(h.bob, "GET", "/device/all").status == 401);
}

TEST_CASE("rental devices: start for oneself, or an admin for anyone") {
  Harness h;
  h.canned.reply<dspb::StartDeviceRequest>(started(h.alice.id()));
  auto ok = h.as(h.alice, "POST", "/device/start/2", start_body(h.alice.id(), 60));
  REQUIRE(ok.status == 200);
  auto device = body_of(ok);
  check_device(device);
  CHECK(device.at("user_id") == h.alice.id());
  CHECK(device.at("time_left").as_double() == 3599.5);  // the service's, not recomputed
  auto sent = h.canned.last<dspb::StartDeviceRequest>();
  CHECK(sent.device_id() == 2);
  CHECK(sent.user_id() == h.alice.id());
  CHECK(sent.duration_minutes() == 60);
  // For oneself, no lookup of the user beyond the principal.
  CHECK(h.canned.count<userpb::GetUserRequest>() == 1);

  h.canned.forget();
  auto other = h.as(h.alice, "POST", "/device/start/1", start_body(h.bob.id(), 5));
  CHECK(other.status == 403);
  CHECK(other.body == R"({"detail":"Not enough permissions"})");
  auto nobody = h.as(h.admin, "POST", "/device/start/1", start_body(987654, 5));
  CHECK(nobody.status == 404);
  CHECK(nobody.body == R"({"detail":"User not found"})");
  CHECK(h.canned.count<dspb::StartDeviceRequest>() == 0);

  h.canned.reply<dspb::StartDeviceRequest>(started(h.bob.id()));
  auto for_bob = h.as(h.admin, "POST", "/device/start/1", start_body(h.bob.id(), 30));
  REQUIRE(for_bob.status == 200);
  CHECK(body_of(for_bob).at("user_id") == h.bob.id());
  CHECK(h.canned.last<userpb::GetUserRequest>().id() == h.bob.id());
  CHECK(h.canned.last<dspb::StartDeviceRequest>().user_id() == h.bob.id());
}

TEST_CASE("rental devices: the service's refusals of a start, in its words") {
  Harness h;
  const auto body = start_body(h.alice.id(), 5);
  const std::pair<grpc::StatusCode, std::string> refusals[] = {
      {grpc::StatusCode::FAILED_PRECONDITION, "Device is already running"},
      {grpc::StatusCode::FAILED_PRECONDITION, "Insufficient funds"},
      {grpc::StatusCode::INVALID_ARGUMENT, "Duration must be between 1 and 1440 minutes"}};
  for (const auto& [code, text] : refusals) {
    h.canned.fail<dspb::StartDeviceRequest>(code, text);
    auto refused = h.as(h.alice, "POST", "/device/start/2", body);
    CHECK(refused.status == 400);
    CHECK(refused.body == detail_body(text));
  }
  h.canned.fail<dspb::StartDeviceRequest>(grpc::StatusCode::NOT_FOUND, "Device not found");
  auto unknown = h.as(h.alice, "POST", "/device/start/99", body);
  CHECK(unknown.status == 404);
  CHECK(unknown.body == R"({"detail":"Device not found"})");
}

TEST_CASE("rental devices: start validation happens before any service call") {
  Harness h;
  auto missing = h.as(h.alice, "POST", "/device/start/1", R"({"duration_minutes":5})");
  CHECK(missing.status == 422);
  CHECK(issue_of(missing) ==
        R"({"type":"missing","loc":["body","user_id"],"msg":"Field required"})");
  auto both = h.as(h.alice, "POST", "/device/start/x", "{}");
  CHECK(body_of(both).at("detail").as_array().size() == 3);
  CHECK(issue_of(both) == kIntParsing);
  auto text_id =
      h.as(h.alice, "POST", "/device/start/1", R"({"user_id":"1","duration_minutes":5})");
  CHECK(issue_of(text_id) ==
        R"({"type":"int_type","loc":["body","user_id"],"msg":"Input should be a valid integer"})");
  auto zero = h.as(h.alice, "POST", "/device/start/1", start_body(h.alice.id(), 0));
  CHECK(
      issue_of(zero) ==
      R"({"type":"greater_than_equal","loc":["body","duration_minutes"],"msg":"Input should be greater than or equal to 1"})");
  auto negative = h.as(h.alice, "POST", "/device/start/1", start_body(h.alice.id(), -5));
  CHECK(body_of(negative).at("detail").at(0).at("type") == "greater_than_equal");
  auto long_one = h.as(h.alice, "POST", "/device/start/1", start_body(h.alice.id(), 1441));
  CHECK(
      issue_of(long_one) ==
      R"({"type":"less_than_equal","loc":["body","duration_minutes"],"msg":"Input should be less than or equal to 1440"})");
  auto fraction =
      h.as(h.alice, "POST", "/device/start/1", R"({"user_id":1,"duration_minutes":1.5})");
  CHECK(fraction.status == 422);
  auto not_json = h.as(h.alice, "POST", "/device/start/1", "{nope");
  CHECK(body_of(not_json).at("detail").at(0).at("type") == "json_invalid");
  CHECK(h.as(h.alice, "POST", "/device/start/1").status == 422);  // no body
  CHECK(h.canned.calls().empty());
  h.canned.reply<dspb::StartDeviceRequest>(started(h.alice.id()));
  CHECK(h.as(h.alice, "POST", "/device/start/1", start_body(h.alice.id(), 1440)).status == 200);
  CHECK(h.canned.last<dspb::StartDeviceRequest>().duration_minutes() == 1440);
}

TEST_CASE("rental devices: stop sends the actor, the service decides, mapped to 403 and 400") {
  Harness h;
  h.canned.fail<dspb::StopDeviceRequest>(grpc::StatusCode::PERMISSION_DENIED,
                                         "actor is not the session's user");
  auto foreign = h.as(h.bob, "POST", "/device/stop/2");
  CHECK(foreign.status == 403);
  CHECK(foreign.body == R"({"detail":"Not enough permissions"})");
  auto actor = h.canned.last<dspb::StopDeviceRequest>();
  CHECK(actor.device_id() == 2);
  CHECK(actor.actor_user_id() == h.bob.id());
  CHECK_FALSE(actor.actor_is_admin());

  h.canned.reply<dspb::StopDeviceRequest>(stopped());
  auto ok = h.as(h.alice, "POST", "/device/stop/2");
  REQUIRE(ok.status == 200);
  auto body = body_of(ok);
  CHECK(body.at("message") == "Device stopped successfully");
  check_device(body.at("device"));
  CHECK(body.at("device").at("user_id").is_null());
  CHECK(body.at("refund_amount").is_double());
  CHECK(ok.body.find(R"("refund_amount":1.50})") != std::string::npos);  // the exact decimal

  CHECK(h.as(h.admin, "POST", "/device/stop/2").status == 200);
  CHECK(h.canned.last<dspb::StopDeviceRequest>().actor_user_id() == h.admin.id());
  CHECK(h.canned.last<dspb::StopDeviceRequest>().actor_is_admin());

  h.canned.fail<dspb::StopDeviceRequest>(grpc::StatusCode::FAILED_PRECONDITION,
                                         "Device is not running");
  auto idle_stop = h.as(h.alice, "POST", "/device/stop/2");
  CHECK(idle_stop.status == 400);
  CHECK(idle_stop.body == R"({"detail":"Device is not running"})");
  h.canned.fail<dspb::StopDeviceRequest>(grpc::StatusCode::NOT_FOUND, "Device not found");
  CHECK(h.as(h.alice, "POST", "/device/stop/99").status == 404);
  h.canned.forget();
  CHECK(h.as(h.alice, "POST", "/device/stop/x").status == 422);
  CHECK(h.canned.calls().empty());
}

TEST_CASE("rental devices: X-Idempotency-Key on start and stop") {
  Harness h;
  const auto body = start_body(h.alice.id(), 60);
  check_idempotency<dspb::StartDeviceRequest>(
      h,
      {"POST", "/device/start/2", body, std::to_string(h.alice.id()), 200,
       [&](Harness::Headers headers) {
         return h.as(h.alice, "POST", "/device/start/2", body, headers);
       }},
      started(h.alice.id()), detail_body);
  // Keys are per caller: bob's request goes up under his id.
  h.as(h.bob, "POST", "/device/start/1", start_body(h.bob.id(), 10),
       {{"X-Idempotency-Key", "key-1"}});
  CHECK(h.canned.last_call<dspb::StartDeviceRequest>().metadata_value("x-caller-id") ==
        std::to_string(h.bob.id()));

  check_idempotency<dspb::StopDeviceRequest>(
      h,
      {"POST", "/device/stop/2", "", std::to_string(h.alice.id()), 200,
       [&](Harness::Headers headers) {
         return h.as(h.alice, "POST", "/device/stop/2", {}, headers);
       }},
      stopped(), detail_body);
}

TEST_CASE("rental devices: a malformed idempotency key is 422 before any call") {
  Harness h;
  const auto body = start_body(h.alice.id(), 5);
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
  CHECK(h.canned.calls().empty());
  h.canned.reply<dspb::StartDeviceRequest>(started(h.alice.id()));
  const std::string longest(255, '~');
  CHECK(h.as(h.alice, "POST", "/device/start/1", body, {{"X-Idempotency-Key", longest}}).status ==
        200);
  CHECK(h.canned.last_call<dspb::StartDeviceRequest>().metadata_value("x-idempotency-key") ==
        longest);
}
