// The device read model alone (readmodel/devices.*): current only after the feed's snapshot,
// renders devices as the service would at the gateway's clock, keeps only newer versions, and
// guards its wallet cache with a generation counter.
#include "readmodel/devices.h"

#include <catch2/catch.hpp>

#include "app/metrics.h"
#include "render/devices.h"
#include "support/devices.h"

namespace fleet::gateway::testing {
namespace {

using namespace std::chrono_literals;
using readmodel::DeviceModel;
using Found = DeviceModel::Found;
namespace dspb = readmodel::dspb;
using TimePoint = std::chrono::system_clock::time_point;

const TimePoint kNow{std::chrono::seconds(1'736'503'200)};  // 2025-01-10T10:00:00Z

dspb::DeviceFeedEvent snapshot_of(const dspb::Device& device) {
  dspb::DeviceFeedEvent event;
  event.mutable_device()->set_kind(dspb::DeviceEvent::KIND_SNAPSHOT);
  *event.mutable_device()->mutable_device() = device;
  return event;
}
dspb::DeviceFeedEvent change_of(const dspb::Device& device, dspb::DeviceEvent::Kind kind) {
  auto event = snapshot_of(device);
  event.mutable_device()->set_kind(kind);
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
dspb::DeviceFeedEvent wallet_event(std::int64_t user, std::string cash, std::int64_t version) {
  dspb::DeviceFeedEvent event;
  *event.mutable_wallet() = wallet(user, std::move(cash), version);
  return event;
}
dspb::GetWalletsResponse wallets_reply(std::int64_t user, std::string cash, std::int64_t version) {
  dspb::GetWalletsResponse reply;
  *reply.add_wallets() = wallet(user, std::move(cash), version);
  return reply;
}
dspb::Device versioned(dspb::Device d, std::int64_t version) {
  d.set_version(version);
  return d;
}

// Dryer 2 running for user 3 until 10:30:00.250000 (as the service sends it at start).
dspb::Device running_dryer(std::int64_t version) {
  return versioned(running(device(2, "Dryer 1", "dryer", "1.50"), 3, kNow + 30min + 250ms, 1800.25),
                   version);
}

struct Model {
  fleet::ManualClock clock{kNow};
  app::Metrics metrics;
  DeviceModel model{clock, metrics, DeviceModel::Limits{.max_devices = 10, .max_wallets = 2}};

  void snapshot() {
    model.on_event(snapshot_of(versioned(device(1), 4)));
    model.on_event(snapshot_of(versioned(device(2, "Dryer 1", "dryer", "1.50"), 7)));
    model.on_event(snapshot_end());
  }
};

}  // namespace

TEST_CASE("read model: not current until the snapshot has ended, and again after a loss") {
  Model m;
  CHECK(m.model.device(1).found == Found::kNotCurrent);
  m.model.on_event(snapshot_of(device(1)));
  CHECK_FALSE(m.model.current());
  CHECK_FALSE(m.model.devices());
  m.model.on_event(snapshot_end());
  CHECK(m.model.current());
  CHECK(m.model.device(1).found == Found::kFound);
  CHECK(m.model.device(99).found == Found::kUnknown);
  CHECK(m.metrics.read_model_reads(app::ReadModel::kDevice, true) == 2);
  CHECK(m.metrics.read_model_reads(app::ReadModel::kDevice, false) == 2);

  m.model.on_lost();
  CHECK_FALSE(m.model.current());
  CHECK(m.model.device(1).found == Found::kNotCurrent);
  m.snapshot();
  CHECK(m.model.current());
}

TEST_CASE("read model: a device renders as the service would at the gateway's clock") {
  Model m;
  m.snapshot();
  m.model.on_event(change_of(running_dryer(8), dspb::DeviceEvent::KIND_STARTED));
  m.clock.advance(10min);
  auto read = m.model.device(2);
  REQUIRE(read.found == Found::kFound);
  // What device-session's GetDevice would send now: time_left to the microsecond-stored
  // end_time, with fractions; as_of now.
  auto expected = running(device(2, "Dryer 1", "dryer", "1.50"), 3, kNow + 30min + 250ms, 1200.25);
  expected.set_version(8);
  expected.mutable_as_of()->set_seconds(1'736'503'200 + 600);
  CHECK(read.device.SerializeAsString() == expected.SerializeAsString());
  CHECK(render::device_json(read.device) ==
        R"({"id":2,"name":"Dryer 1","type":"dryer","hourly_cost":1.50,"user_id":3,)"
        R"("end_time":"2025-01-10T10:30:00Z","time_left":1200.25})");

  // Past its end_time the session counts as over, before the expiry event comes.
  m.clock.advance(20min + 250ms);
  read = m.model.device(2);
  CHECK_FALSE(read.device.running());
  CHECK_FALSE(read.device.has_user_id());
  CHECK(render::device_json(read.device) ==
        R"({"id":2,"name":"Dryer 1","type":"dryer","hourly_cost":1.50,"user_id":null,)"
        R"("end_time":null,"time_left":null})");

  const auto all = m.model.devices();
  REQUIRE(all);
  REQUIRE(all->devices_size() == 2);
  CHECK(all->devices(0).id() == 1);
  CHECK(all->devices(1).id() == 2);
}

TEST_CASE("read model: end_time is kept at the database's precision") {
  Model m;
  m.snapshot();
  auto d = running_dryer(8);
  d.mutable_end_time()->set_nanos(250'000'999);  // the start reply's nanoseconds
  m.model.apply(d);
  CHECK(m.model.device(2).device.end_time().nanos() == 250'000'000);
}

TEST_CASE("read model: only newer versions replace a device (read-your-writes)") {
  Model m;
  m.snapshot();
  m.model.apply(running_dryer(8));  // the start's reply, before the feed tells
  CHECK(m.model.device(2).device.running());
  // The feed catches up with older states: a late repeat of the snapshot, then the start.
  m.model.on_event(snapshot_of(versioned(device(2, "Dryer 1", "dryer", "1.50"), 7)));
  m.model.on_event(change_of(running_dryer(8), dspb::DeviceEvent::KIND_STARTED));
  CHECK(m.model.device(2).device.running());
  // The stop: newer, so it wins; then a stale start reply changes nothing.
  m.model.on_event(change_of(versioned(device(2, "Dryer 1", "dryer", "1.50"), 9),
                             dspb::DeviceEvent::KIND_STOPPED));
  CHECK_FALSE(m.model.device(2).device.running());
  m.model.apply(running_dryer(8));
  CHECK_FALSE(m.model.device(2).device.running());
  // A new device from the feed is added.
  m.model.on_event(change_of(versioned(device(6), 1), dspb::DeviceEvent::KIND_STARTED));
  CHECK(m.model.device(6).found == Found::kFound);
}

TEST_CASE("read model: replies while not current are left to the next snapshot") {
  Model m;
  m.model.apply(running_dryer(8));
  m.model.on_event(snapshot_of(versioned(device(2, "Dryer 1", "dryer", "1.50"), 8)));
  m.model.on_event(snapshot_end());
  CHECK_FALSE(m.model.device(2).device.running());
}

TEST_CASE("read model: a fleet larger than its limit is never current") {
  fleet::ManualClock clock{kNow};
  app::Metrics metrics;
  DeviceModel model{clock, metrics, DeviceModel::Limits{.max_devices = 2}};
  for (int id = 1; id <= 3; ++id) model.on_event(snapshot_of(device(id)));
  model.on_event(snapshot_end());
  CHECK_FALSE(model.current());
  model.on_lost();
  for (int id = 1; id <= 2; ++id) model.on_event(snapshot_of(device(id)));
  model.on_event(snapshot_end());
  CHECK(model.current());
}

TEST_CASE("read model: wallets fill from replies only if nothing changed since the call") {
  Model m;
  CHECK_FALSE(m.model.wallet_ticket());  // not current: a reply would not be kept
  m.snapshot();

  auto ticket = m.model.wallet_ticket();
  REQUIRE(ticket);
  m.model.fill(*ticket, wallets_reply(3, "10.00", 5));
  CHECK(m.model.cash(3) == "10.00");

  // A wallet event while a call is out: its reply may predate the change, so it is not kept.
  ticket = m.model.wallet_ticket();
  m.model.on_event(wallet_event(4, "1.00", 6));
  m.model.fill(*ticket, wallets_reply(4, "0.00", 0));
  CHECK_FALSE(m.model.cash(4));
  CHECK(m.metrics.read_model_reads(app::ReadModel::kWallet, false) == 1);

  // A loss while a call is out: the same, and the cache is dropped.
  ticket = m.model.wallet_ticket();
  m.model.on_lost();
  m.snapshot();
  m.model.fill(*ticket, wallets_reply(3, "10.00", 5));
  CHECK_FALSE(m.model.cash(3));
  CHECK(m.model.cached_wallets() == 0);
}

TEST_CASE("read model: wallet events and replies keep only newer balances") {
  Model m;
  m.snapshot();
  m.model.fill(*m.model.wallet_ticket(), wallets_reply(3, "10.00", 5));
  m.model.on_event(wallet_event(3, "8.50", 6));
  CHECK(m.model.cash(3) == "8.50");
  m.model.on_event(wallet_event(3, "10.00", 5));  // late
  CHECK(m.model.cash(3) == "8.50");
  // Events for wallets the cache does not hold are not added (they may arrive late).
  m.model.on_event(wallet_event(4, "2.00", 7));
  CHECK_FALSE(m.model.cash(4));
  // A start, stop or SetCash reply is added or updated, if newer.
  m.model.apply(wallet(3, "9.25", 8));
  m.model.apply(wallet(4, "5.00", 9));
  CHECK(m.model.cash(3) == "9.25");
  CHECK(m.model.cash(4) == "5.00");
  m.model.on_event(wallet_event(3, "8.50", 6));
  CHECK(m.model.cash(3) == "9.25");
  // Bounded: a third wallet makes room by dropping one.
  m.model.apply(wallet(5, "1.00", 10));
  CHECK(m.model.cached_wallets() == 2);
  CHECK(m.model.cash(5) == "1.00");
  CHECK(m.metrics.render().find(
            "fleetgate_read_model_reads_total{model=\"wallet\",result=\"hit\"} ") !=
        std::string::npos);
}

}  // namespace fleet::gateway::testing
