// The device read model behind rental's routes (readmodel/device_feed.*, surfaces/rental*.cpp):
// WatchDevices opened through Upstream::stream and driven by FakeStreams, reads answered from
// memory while current (no device-session call), read-your-writes after start, stop and
// SetCash, upstream again once the feed is lost, the wallet cache, and the /metrics counters.
#include "readmodel/device_feed.h"

#include <catch2/catch.hpp>

#include "support/devices.h"
#include "support/gateway_harness.h"
#include "support/replies.h"

namespace fleet::gateway::testing {
namespace {

using namespace std::chrono_literals;
using Feed = dspb::WatchDevicesRequest;

dspb::DeviceFeedEvent device_event(
    const dspb::Device& device, dspb::DeviceEvent::Kind kind = dspb::DeviceEvent::KIND_SNAPSHOT) {
  dspb::DeviceFeedEvent event;
  event.mutable_device()->set_kind(kind);
  *event.mutable_device()->mutable_device() = device;
  return event;
}
dspb::DeviceFeedEvent snapshot_end() {
  dspb::DeviceFeedEvent event;
  event.mutable_snapshot_end();
  return event;
}
dspb::Wallet wallet(std::int64_t user, std::string cash, std::int64_t version) {
  dspb::Wallet w;
  w.set_user_id(user);
  w.set_cash(std::move(cash));
  w.set_version(version);
  return w;
}
dspb::Device dryer(std::int64_t version) {
  auto d = device(2, "Dryer 1", "dryer", "1.50");
  d.set_version(version);
  return d;
}
dspb::Device running_dryer(std::int64_t user, std::int64_t version) {
  auto d = running(dryer(version), user, std::chrono::system_clock::now() + 1h, 3600);
  return d;
}

struct Fixture {
  Harness h;
  std::shared_ptr<readmodel::DeviceFeed> feed =
      readmodel::follow_devices(h.hub_ioc, h.upstream, h.device_model, {1ms, 1ms});

  ~Fixture() { feed->stop(); }

  void snapshot() {
    h.streams.push<Feed>(device_event(dryer(3)));
    h.streams.push<Feed>(device_event(device(1)));
    h.streams.push<Feed>(snapshot_end());
  }
  // Lets the subscription's backoff timer reopen the stream.
  void reopen() {
    const auto before = h.streams.of<Feed>().size();
    for (int i = 0; i < 200 && h.streams.of<Feed>().size() == before; ++i) {
      h.hub_ioc.restart();
      h.hub_ioc.run_for(5ms);
    }
    REQUIRE(h.streams.open_count<Feed>() == 1);
  }
};

}  // namespace

TEST_CASE("device read model: reads from memory once the snapshot has ended") {
  Fixture f;
  auto& h = f.h;
  REQUIRE(h.streams.open_count<Feed>() == 1);

  // Before the snapshot has ended: upstream, as before.
  h.canned.reply<dspb::GetDeviceRequest>([] {
    dspb::GetDeviceResponse r;
    *r.mutable_device() = dryer(3);
    return r;
  }());
  h.streams.push<Feed>(device_event(dryer(3)));
  CHECK(h.as(h.alice, "GET", "/device/2").status == 200);
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 1);
  h.canned.fail<dspb::GetDeviceRequest>(grpc::StatusCode::NOT_FOUND, "Device not found");
  const auto upstream_404 = h.as(h.alice, "GET", "/device/99");
  h.canned.forget();

  h.streams.push<Feed>(device_event(device(1)));
  h.streams.push<Feed>(snapshot_end());
  auto one = h.as(h.alice, "GET", "/device/2");
  CHECK(one.status == 200);
  CHECK(one.body == R"({"id":2,"name":"Dryer 1","type":"dryer","hourly_cost":1.50,)"
                    R"("user_id":null,"end_time":null,"time_left":null})");
  auto all = h.as(h.alice, "GET", "/device/all");
  CHECK(all.status == 200);
  CHECK(body_of(all).as_array().size() == 2);
  CHECK(body_of(all).at(0).at("id") == 1);
  // An unknown id is the same 404 as device-session's.
  auto unknown = h.as(h.alice, "GET", "/device/99");
  CHECK(unknown.status == 404);
  CHECK(unknown.body == upstream_404.body);
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 0);
  CHECK(h.canned.count<dspb::ListDevicesRequest>() == 0);
  // Still a signed-in read.
  CHECK(h.call("GET", "/device/2").status == 401);

  auto metrics = h.call("GET", "/metrics").body;
  CHECK(metrics.find("fleetgate_device_model_current 1\n") != std::string::npos);
  CHECK(metrics.find("fleetgate_read_model_reads_total{model=\"device\",result=\"hit\"} 3") !=
        std::string::npos);
  CHECK(metrics.find("fleetgate_read_model_reads_total{model=\"device\",result=\"miss\"} 2") !=
        std::string::npos);
}

TEST_CASE("device read model: a start or stop is seen by the next read, late events ignored") {
  Fixture f;
  auto& h = f.h;
  f.snapshot();

  dspb::StartDeviceResponse started;
  *started.mutable_device() = running_dryer(h.alice.id(), 4);
  started.set_charged_amount("1.50");
  *started.mutable_wallet() = wallet(h.alice.id(), "8.50", 11);
  h.canned.reply<dspb::StartDeviceRequest>(started);
  REQUIRE(
      h.as(h.alice, "POST", "/device/start/2", R"({"user_id":3,"duration_minutes":60})").status ==
      200);
  // The feed has not told yet; the read sees the start anyway, and the new cash.
  auto read = body_of(h.as(h.alice, "GET", "/device/2"));
  CHECK(read.at("user_id") == h.alice.id());
  CHECK(read.at("time_left").as_double() > 3590);
  CHECK(body_of(h.as(h.alice, "GET", "/device/all")).at(1).at("user_id") == h.alice.id());
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 8.5);
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == 0);

  // Older news from the feed changes nothing.
  h.streams.push<Feed>(device_event(dryer(3)));
  h.streams.push<Feed>(
      device_event(running_dryer(h.alice.id(), 4), dspb::DeviceEvent::KIND_STARTED));
  dspb::DeviceFeedEvent late_wallet;
  *late_wallet.mutable_wallet() = wallet(h.alice.id(), "10.00", 10);
  h.streams.push<Feed>(late_wallet);
  CHECK(body_of(h.as(h.alice, "GET", "/device/2")).at("user_id") == h.alice.id());
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 8.5);

  dspb::StopDeviceResponse stopped;
  *stopped.mutable_device() = dryer(5);
  stopped.set_refund_amount("1.50");
  *stopped.mutable_wallet() = wallet(h.alice.id(), "10.00", 12);
  h.canned.reply<dspb::StopDeviceRequest>(stopped);
  REQUIRE(h.as(h.alice, "POST", "/device/stop/2").status == 200);
  CHECK(body_of(h.as(h.alice, "GET", "/device/2")).at("user_id").is_null());
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 10.0);
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 0);
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == 0);
}

TEST_CASE("device read model: wallets cached from GetWallets, refreshed by SetCash and events") {
  Fixture f;
  auto& h = f.h;
  f.snapshot();
  h.canned.on<dspb::GetWalletsRequest>([](const dspb::GetWalletsRequest& request, const Metadata&) {
    dspb::GetWalletsResponse response;
    for (auto id : request.user_ids()) *response.add_wallets() = wallet(id, "2.00", 5);
    return response;
  });
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 2.0);
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 2.0);
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == 1);
  // A list asks only for the wallets the cache lacks.
  h.canned.reply<userpb::ListUsersRequest>(users_response({h.admin, h.op, h.alice, h.bob}));
  REQUIRE(h.as(h.admin, "GET", "/user/all").status == 200);
  CHECK(h.canned.last<dspb::GetWalletsRequest>().user_ids_size() == 3);

  // An admin's SetCash: the reply's balance before answering.
  dspb::SetCashResponse set;
  *set.mutable_wallet() = wallet(h.alice.id(), "42.00", 9);
  h.canned.reply<dspb::SetCashRequest>(set);
  REQUIRE(h.as(h.admin, "PATCH", "/user/3", R"({"cash":42})").status == 200);
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 42.0);

  // A change made elsewhere arrives over the feed.
  dspb::DeviceFeedEvent changed;
  *changed.mutable_wallet() = wallet(h.alice.id(), "40.50", 10);
  h.streams.push<Feed>(changed);
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 40.5);

  // The feed is lost: the cache is dropped and balances are read upstream again.
  const auto asked = h.canned.count<dspb::GetWalletsRequest>();
  h.streams.finish<Feed>(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  CHECK(body_of(h.as(h.alice, "GET", "/user/3")).at("cash") == 2.0);
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == asked + 1);
}

TEST_CASE("device read model: a lost feed sends reads upstream until a new snapshot ends") {
  Fixture f;
  auto& h = f.h;
  f.snapshot();
  CHECK(h.as(h.alice, "GET", "/device/2").status == 200);
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 0);

  h.streams.finish<Feed>(grpc::Status(grpc::StatusCode::UNAVAILABLE, "device-session down"));
  CHECK(h.call("GET", "/metrics").body.find("fleetgate_device_model_current 0\n") !=
        std::string::npos);
  dspb::GetDeviceResponse upstream_reply;
  *upstream_reply.mutable_device() = running_dryer(h.bob.id(), 6);
  h.canned.reply<dspb::GetDeviceRequest>(upstream_reply);
  CHECK(body_of(h.as(h.alice, "GET", "/device/2")).at("user_id") == h.bob.id());
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 1);
  dspb::ListDevicesResponse list;
  *list.add_devices() = dryer(3);
  h.canned.reply<dspb::ListDevicesRequest>(list);
  CHECK(h.as(h.alice, "GET", "/device/all").status == 200);
  CHECK(h.canned.count<dspb::ListDevicesRequest>() == 1);

  // The subscription reopens; the new snapshot makes the model current again.
  f.reopen();
  h.streams.push<Feed>(device_event(running_dryer(h.bob.id(), 6)));
  CHECK(h.as(h.alice, "GET", "/device/2").status == 200);
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 2);  // snapshot not ended yet
  h.streams.push<Feed>(snapshot_end());
  CHECK(body_of(h.as(h.alice, "GET", "/device/2")).at("user_id") == h.bob.id());
  CHECK(h.canned.count<dspb::GetDeviceRequest>() == 2);
  CHECK(h.as(h.alice, "GET", "/device/1").status == 404);  // not in the new snapshot
}

}  // namespace fleet::gateway::testing
