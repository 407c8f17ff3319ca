// Two replicas' hubs joined over a real nats-server: a change committed on one reaches the
// other's watchers whole, and a lost bus makes the hubs incomplete and their watchers start over.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "api/replica_relay.h"
#include "eventually.h"
#include "nats_server.h"
#include "recorder.h"

using namespace fleet::device_session;
using namespace std::chrono_literals;
using fleet::bus::testing::eventually;
using fleet::bus::testing::NatsServer;
using fleet::device_session::testing::Recorder;

namespace {

DeviceEvent started_event(std::int64_t device_id, std::int64_t sequence) {
  DeviceEvent event{DeviceEvent::Kind::kStarted, DeviceView{}, sequence};
  DeviceRecord& d = event.device.record;
  d.id = device_id;
  d.name = "Washer 1";
  d.type = "washer";
  d.hourly_cost = fleet::Money::cents(150);
  d.user_id = 42;
  d.session_id = sequence / 2;
  d.version = 7;
  event.device.as_of = fleet::Clock::time_point(std::chrono::microseconds(1'700'000'000'123'456));
  d.end_time = event.device.as_of + 90s;
  return event;
}


}  // namespace

TEST_CASE("a replica change survives the trip whole", "[replicas]") {
  const DeviceEvent sent = started_event(3, 10);
  const auto decoded = decode_replica_change(encode_replica_change(sent));
  REQUIRE(decoded);
  const auto& got = std::get<DeviceEvent>(*decoded);
  CHECK(got.kind == DeviceEvent::Kind::kStarted);
  CHECK(got.sequence == 10);
  CHECK(got.device.record.id == 3);
  CHECK(got.device.record.name == "Washer 1");
  CHECK(got.device.record.hourly_cost == fleet::Money::cents(150));
  CHECK(got.device.record.user_id == 42);
  CHECK(got.device.record.session_id == 5);
  CHECK(got.device.record.version == 7);
  CHECK(got.device.as_of == sent.device.as_of);
  CHECK(got.device.record.end_time == sent.device.record.end_time);
  CHECK(got.device.time_left() == sent.device.time_left());

  const auto wallet = decode_replica_change(
      encode_replica_change(Wallet{9, fleet::Money::cents(1234), 77}));
  REQUIRE(wallet);
  CHECK(std::get<Wallet>(*wallet).cash == fleet::Money::cents(1234));
  CHECK(std::get<Wallet>(*wallet).version == 77);

  CHECK_FALSE(decode_replica_change("not a protobuf \xff\xff"));
  CHECK_FALSE(decode_replica_change(""));  // no change in it
}

TEST_CASE("without a bus the relay does nothing and the hub stays complete", "[replicas]") {
  DeviceHub hub;
  bool reported = false;
  ReplicaRelay relay(hub, fleet::bus::Settings{}, [&](bool) { reported = true; });
  CHECK(hub.complete());
  CHECK_FALSE(reported);
  hub.publish(started_event(1, 2));  // no outbox: nothing to send
}

TEST_CASE("a start on one replica reaches the other's watchers, a lost bus resyncs them",
          "[replicas]") {
  NatsServer server;
  const auto settings = fleet::bus::Settings::parse(server.url());
  DeviceHub hub_a, hub_b;
  std::atomic<int> b_reports{0};
  std::atomic<bool> b_complete{false};
  ReplicaRelay relay_a(hub_a, settings, {});
  ReplicaRelay relay_b(hub_b, settings, [&](bool complete) {
    b_complete = complete;
    ++b_reports;
  });
  REQUIRE(eventually([&] { return hub_a.complete() && hub_b.complete() && b_complete; }));

  auto watcher = std::make_shared<Recorder>();
  hub_b.subscribe(3, watcher);
  watcher->begin(DeviceEvent{DeviceEvent::Kind::kSnapshot, DeviceView{}, 0});
  watcher->drain();
  // The subscriptions reach the server asynchronously: publish until one arrives.
  std::int64_t sequence = 2;
  REQUIRE(eventually([&] {
    hub_a.publish(started_event(3, sequence += 2));
    watcher->drain();
    return watcher->written.size() >= 2;
  }));
  const DeviceEvent& got = watcher->written[1];
  CHECK(got.kind == DeviceEvent::Kind::kStarted);
  CHECK(got.device.record.user_id == 42);
  CHECK(got.device.time_left() == started_event(3, 2).device.time_left());

  server.stop();
  REQUIRE(eventually([&] { return !hub_b.complete(); }));
  CHECK_FALSE(b_complete);
  // A write the bus began after the last drain is finished first; then the watcher ends.
  watcher->drain();
  CHECK(watcher->finished == Watcher::End::kFailed);  // it starts over from the database
  server.start();
  REQUIRE(eventually([&] { return hub_b.complete() && b_complete.load(); }));
}
