// The WebSocket rows (surfaces/sockets.cpp) through the dispatcher: the handshake is refused
// with an HTTP answer in the surface's body, or accepted with a handler.
#include <catch2/catch.hpp>

#include "support/gateway_harness.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

TEST_CASE("sockets: the handshake is refused in HTTP, accepted with a handler") {
  Harness h;
  dspb::GetDeviceResponse device;
  device.mutable_device()->set_id(1);
  h.canned.reply<dspb::GetDeviceRequest>(device);
  const std::string token = h.token_for(h.alice);
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
  // The device is asked of device-session before the socket opens (the hub knows none yet).
  CHECK(h.canned.last<dspb::GetDeviceRequest>().device_id() == 1);

  auto not_int = h.upgrade("/device/ws/timeleft/one?token=" + token);
  CHECK(not_int.refusal.status == 422);
  CHECK(
      issue_of(not_int.refusal) ==
      R"({"type":"int_parsing","loc":["path","device_id"],"msg":"Input should be a valid integer, unable to parse string as an integer"})");
  h.canned.fail<dspb::GetDeviceRequest>(grpc::StatusCode::NOT_FOUND, "Device not found");
  auto unknown = h.upgrade("/device/ws/status/99?token=" + token);
  CHECK(unknown.refusal.status == 404);
  CHECK(unknown.refusal.body == R"({"detail":"Device not found"})");
  CHECK(h.canned.last<dspb::GetDeviceRequest>().device_id() == 99);
  auto nowhere = h.upgrade("/device/ws/other/1?token=" + token);
  CHECK(nowhere.refusal.status == 404);
  CHECK(nowhere.refusal.body == R"({"detail":"Not Found"})");
  // A plain GET on a socket path is no HTTP route.
  CHECK(h.as(h.alice, "GET", "/device/ws/timeleft/1").status == 404);
}

TEST_CASE("sockets: the token's account must exist and be active") {
  Harness h;
  const std::string token = h.token_for(h.alice);
  h.accounts.erase(h.alice.id());
  auto gone = h.upgrade("/api/v1/ws/c1?token=" + token);
  CHECK(gone.refusal.status == 401);
  CHECK(gone.refusal.body == R"({"detail":"Could not validate credentials"})");
  auto inactive = h.bob;
  inactive.set_is_active(false);
  h.accounts.put(inactive);
  auto refused = h.upgrade("/device/ws/status/1?token=" + h.token_for(h.bob));
  CHECK(refused.refusal.status == 403);
  CHECK(refused.refusal.body == R"({"detail":"User is inactive"})");
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 0);
}
