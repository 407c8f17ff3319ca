#include "domain/rental.h"

#include <catch2/catch.hpp>
#include <thread>

#include "domain/expiry_sweeper.h"
#include "fake_repository.h"
#include "fleet/common/error.h"
#include "recorder.h"

using namespace fleet::device_session;
using fleet::Money;
using namespace std::chrono_literals;
using fleet::DomainError;
using fleet::ErrorCode;
using fleet::device_session::testing::FakeRepository;
using fleet::device_session::testing::Recorder;
using Kind = DeviceEvent::Kind;

namespace {

constexpr std::int64_t kWasher = 1;  // 1.20/h
constexpr std::int64_t kDryer = 4;   // 1.50/h
constexpr std::int64_t kAnn = 7;
constexpr std::int64_t kBob = 8;
constexpr std::int64_t kAdmin = 1;

Money money(std::string_view text) { return *Money::parse(text); }

struct World {
  FakeRepository repo;
  fleet::ManualClock clock;
  DeviceHub hub;
  Rental rental{repo, clock, hub};

  World() { rental.ensure_demo_devices(); }
  Money cash(std::int64_t user) { return rental.wallets({user}).at(0).cash; }
  StartOutcome start(std::int64_t device, std::int64_t user, std::int64_t minutes) {
    return rental.start(StartCommand{device, user, minutes});
  }
  StopOutcome stop(std::int64_t device, std::int64_t actor, bool admin = false) {
    return rental.stop(StopCommand{device, actor, admin});
  }
};

template <class Fn>
std::pair<ErrorCode, std::string> error_of(Fn&& fn) {
  try {
    fn();
  } catch (const DomainError& e) {
    return {e.code(), e.what()};
  }
  FAIL("expected a DomainError");
  return {};
}

}  // namespace

TEST_CASE("demo devices: three washers at 1.20/h, two dryers at 1.50/h", "[rental]") {
  World w;
  w.rental.ensure_demo_devices();  // again: nothing changes
  const auto devices = w.rental.list_devices();
  REQUIRE(devices.size() == 5);
  CHECK(devices[0].record.name == "Washer 1");
  CHECK(devices[2].record.type == "washer");
  CHECK(devices[2].record.hourly_cost.str() == "1.20");
  CHECK(devices[3].record.name == "Dryer 1");
  CHECK(devices[4].record.hourly_cost.str() == "1.50");
  for (const auto& d : devices) {
    CHECK_FALSE(d.running());
    CHECK(d.time_left() == 0);
  }
}

TEST_CASE("start debits the exact cost and marks the device running", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  const auto t0 = w.clock.now();
  const auto started = w.start(kDryer, kAnn, 60);
  CHECK(started.charged.str() == "1.50");
  CHECK(w.cash(kAnn).str() == "8.50");
  CHECK(started.device.running());
  CHECK(started.device.record.user_id == kAnn);
  CHECK(started.device.record.end_time == t0 + 60min);
  CHECK(started.device.time_left() == 3600.0);
  CHECK(started.device.as_of == t0);

  const auto ledger = w.rental.ledger(kAnn);
  REQUIRE(ledger.size() == 1);
  CHECK(ledger[0].kind == LedgerKind::kCharge);
  CHECK(ledger[0].amount.str() == "-1.50");
  CHECK(ledger[0].balance_after.str() == "8.50");
  CHECK(ledger[0].device_id == kDryer);

  w.clock.advance(500ms);
  const auto later = w.rental.get_device(kDryer);
  CHECK(later.running());
  CHECK(later.time_left() == Approx(3599.5));
}

TEST_CASE("stop refunds the unused seconds to the cent and frees the device", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  w.start(kDryer, kAnn, 60);
  w.clock.advance(15min);
  const auto stopped = w.stop(kDryer, kAnn);
  CHECK(stopped.refund.str() == "1.13");  // 1.50 × 2700 / 3600 = 1.125
  CHECK(w.cash(kAnn).str() == "9.63");
  CHECK_FALSE(stopped.device.running());
  CHECK_FALSE(stopped.device.record.user_id);
  CHECK_FALSE(stopped.device.record.end_time);
  CHECK_FALSE(w.rental.get_device(kDryer).running());

  const auto ledger = w.rental.ledger(kAnn);
  REQUIRE(ledger.size() == 2);
  CHECK(ledger[1].kind == LedgerKind::kRefund);
  CHECK(ledger[1].amount.str() == "1.13");
  CHECK(ledger[1].balance_after.str() == "9.63");
  CHECK(ledger[1].actor_user_id == kAnn);
  const auto session = w.repo.state().sessions.at(1);
  CHECK(session.reason == EndReason::kStopped);
  CHECK(session.refunded == money("1.13"));
}

TEST_CASE("remaining seconds round up, and the refund never exceeds the charge", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  w.start(kDryer, kAnn, 60);
  w.clock.advance(15min + 200ms);  // 2699.8 s left count as 2700
  CHECK(w.stop(kDryer, kAnn).refund.str() == "1.13");

  w.start(kDryer, kAnn, 1);  // 0.025 -> 0.03 charged
  CHECK(w.stop(kDryer, kAnn).refund.str() == "0.03");
}

TEST_CASE("insufficient funds change nothing", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("1.49"));
  CHECK(error_of([&] { w.start(kDryer, kAnn, 60); }) ==
        std::pair{ErrorCode::kFailedPrecondition, std::string("Insufficient funds")});
  CHECK(w.cash(kAnn).str() == "1.49");
  CHECK(w.rental.ledger(kAnn).empty());
  CHECK_FALSE(w.rental.get_device(kDryer).running());
  // No wallet at all is 0.00.
  CHECK(error_of([&] { w.start(kDryer, kBob, 1); }).second == "Insufficient funds");
  // Exactly enough is enough.
  w.repo.set_wallet(kAnn, money("1.50"));
  w.start(kDryer, kAnn, 60);
  CHECK(w.cash(kAnn).str() == "0.00");
}

TEST_CASE("a running device cannot be started again", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  w.repo.set_wallet(kBob, money("10.00"));
  w.start(kWasher, kAnn, 30);
  CHECK(error_of([&] { w.start(kWasher, kBob, 30); }) ==
        std::pair{ErrorCode::kFailedPrecondition, std::string("Device is already running")});
  CHECK(w.cash(kBob).str() == "10.00");
}

TEST_CASE("duration must be 1..1440 minutes, unknown devices are not found", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("100.00"));
  for (const std::int64_t bad : {0, -5, 1441}) {
    CHECK(error_of([&] { w.start(kWasher, kAnn, bad); }) ==
          std::pair{ErrorCode::kInvalidArgument,
                    std::string("Duration must be between 1 and 1440 minutes")});
  }
  CHECK(w.start(kWasher, kAnn, 1440).charged.str() == "28.80");
  CHECK(w.start(kDryer, kAnn, 1).charged.str() == "0.03");
  const auto not_found = std::pair{ErrorCode::kNotFound, std::string("Device not found")};
  CHECK(error_of([&] { w.start(99, kAnn, 10); }) == not_found);
  CHECK(error_of([&] { w.stop(99, kAdmin, true); }) == not_found);
  CHECK(error_of([&] { w.rental.get_device(99); }) == not_found);
  CHECK(error_of([&] { w.start(kWasher, 0, 10); }).first == ErrorCode::kInvalidArgument);
}

TEST_CASE("only an admin or the session's user may stop it", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  w.start(kWasher, kAnn, 30);
  CHECK(error_of([&] { w.stop(kWasher, kBob); }) ==
        std::pair{ErrorCode::kPermissionDenied, std::string("Not enough permissions")});
  CHECK(w.rental.get_device(kWasher).running());
  const auto stopped = w.stop(kWasher, kAdmin, true);
  CHECK(stopped.refund.str() == "0.60");  // refunded to Ann, not to the admin
  CHECK(w.cash(kAnn).str() == "10.00");
  CHECK(w.rental.ledger(kAnn).back().actor_user_id == kAdmin);
  CHECK(error_of([&] { w.stop(kWasher, kAnn); }) ==
        std::pair{ErrorCode::kFailedPrecondition, std::string("Device is not running")});
}

TEST_CASE("a session ends by itself at its end_time, without a refund", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  auto watcher = std::make_shared<Recorder>();
  w.hub.subscribe(kWasher, watcher);
  watcher->begin({Kind::kSnapshot, w.rental.get_device(kWasher), 0});
  const auto t0 = w.clock.now();
  w.start(kWasher, kAnn, 1);
  CHECK(w.rental.next_end_time() == t0 + 1min);
  w.clock.advance(1min);
  // Reads show it idle before the sweeper has been by; stop says it is not running.
  CHECK_FALSE(w.rental.get_device(kWasher).running());
  CHECK(w.rental.get_device(kWasher).time_left() == 0);
  CHECK(error_of([&] { w.stop(kWasher, kAnn); }).second == "Device is not running");

  w.clock.advance(5s);
  CHECK(w.rental.expire_due() == 1);
  CHECK(w.rental.expire_due() == 0);
  CHECK_FALSE(w.rental.next_end_time());
  const auto state = w.repo.state();
  CHECK_FALSE(state.devices.at(kWasher).session_id);
  CHECK(state.sessions.at(1).reason == EndReason::kExpired);
  CHECK(state.sessions.at(1).ended_at == t0 + 1min);
  CHECK_FALSE(state.sessions.at(1).refunded);
  CHECK(w.cash(kAnn).str() == "9.98");
  CHECK(w.rental.ledger(kAnn).size() == 1);
  watcher->drain();
  CHECK(watcher->kinds() == std::vector{Kind::kSnapshot, Kind::kStarted, Kind::kExpired});
}

TEST_CASE("starting a device whose session ran out closes that session first", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  w.repo.set_wallet(kBob, money("10.00"));
  auto watcher = std::make_shared<Recorder>();
  w.hub.subscribe(kWasher, watcher);
  watcher->begin({Kind::kSnapshot, w.rental.get_device(kWasher), 0});
  w.start(kWasher, kAnn, 1);
  w.clock.advance(2min);
  const auto started = w.start(kWasher, kBob, 10);
  CHECK(started.device.record.user_id == kBob);
  const auto state = w.repo.state();
  CHECK(state.sessions.at(1).reason == EndReason::kExpired);
  CHECK_FALSE(state.sessions.at(2).reason);
  watcher->drain();
  CHECK(watcher->kinds() ==
        std::vector{Kind::kSnapshot, Kind::kStarted, Kind::kExpired, Kind::kStarted});
}

TEST_CASE("stop and start are published to watchers after commit", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  auto watcher = std::make_shared<Recorder>();
  w.hub.subscribe(kDryer, watcher);
  watcher->begin({Kind::kSnapshot, w.rental.get_device(kDryer), 0});
  w.start(kDryer, kAnn, 60);
  w.clock.advance(1s);
  w.stop(kDryer, kAnn);
  CHECK_THROWS(w.start(kDryer, kAnn, 0));  // a failure publishes nothing
  watcher->drain();
  REQUIRE(watcher->kinds() == std::vector{Kind::kSnapshot, Kind::kStarted, Kind::kStopped});
  CHECK(watcher->written[1].device.running());
  CHECK(watcher->written[1].device.time_left() == 3600.0);
  CHECK_FALSE(watcher->written[2].device.running());
}

TEST_CASE("set_cash records the difference as an admin adjustment", "[rental]") {
  World w;
  CHECK(w.rental.set_cash(kAnn, "25.5", kAdmin).cash.str() == "25.50");
  CHECK(w.rental.set_cash(kAnn, "20", kAdmin).cash.str() == "20.00");
  CHECK(w.rental.set_cash(kAnn, "20.00", kAdmin).cash.str() == "20.00");  // no movement
  const auto ledger = w.rental.ledger(kAnn);
  REQUIRE(ledger.size() == 2);
  CHECK(ledger[0].kind == LedgerKind::kAdjustment);
  CHECK(ledger[0].amount.str() == "25.50");
  CHECK(ledger[1].amount.str() == "-5.50");
  CHECK(ledger[1].balance_after.str() == "20.00");
  CHECK(ledger[1].actor_user_id == kAdmin);
  for (const char* bad : {"-1", "1.234", "", "abc", "1e3"}) {
    INFO(bad);
    CHECK(error_of([&] { w.rental.set_cash(kAnn, bad, kAdmin); }) ==
          std::pair{ErrorCode::kInvalidArgument,
                    std::string("Cash must be a non-negative amount with at most two decimals")});
  }
  CHECK(w.cash(kAnn).str() == "20.00");
}

TEST_CASE("wallets come back in the order asked, 0.00 when missing", "[rental]") {
  World w;
  w.repo.set_wallet(kBob, money("3.10"));
  const auto wallets = w.rental.wallets({kBob, kAnn, kBob});
  REQUIRE(wallets.size() == 3);
  CHECK(wallets[0].cash.str() == "3.10");
  CHECK(wallets[1].user_id == kAnn);
  CHECK(wallets[1].cash.str() == "0.00");
  CHECK(wallets[2].cash.str() == "3.10");
  CHECK(w.rental.wallets({}).empty());
}

TEST_CASE("the sweeper frees a device when its time is up, woken by the start", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  ExpirySweeper sweeper(w.rental, w.clock, 20ms);
  sweeper.start();
  w.start(kWasher, kAnn, 1);
  w.clock.advance(61s);
  for (int i = 0; i < 200 && w.repo.state().devices.at(kWasher).session_id; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK_FALSE(w.repo.state().devices.at(kWasher).session_id);
  sweeper.stop();
}

TEST_CASE("start and stop read the clock after the device row is locked", "[rental]") {
  // Issue 11, item 7: a start that read the time before waiting for the lock could record a
  // start earlier than the end of the session it waited for.
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  const auto before_lock = w.clock.now();
  w.repo.on_lock_device = [&] { w.clock.advance(std::chrono::seconds(5)); };
  const auto started = w.start(kDryer, kAnn, 60);
  const auto session = w.repo.state().sessions.at(1).session;
  CHECK(session.started_at == before_lock + std::chrono::seconds(5));
  CHECK(session.end_time == session.started_at + std::chrono::minutes(60));
  CHECK(started.device.record.end_time == session.end_time);

  // A stop also takes its time after the lock: 5 more seconds have gone by then.
  const auto stopped = w.stop(kDryer, kAnn);
  CHECK(stopped.device.as_of == before_lock + std::chrono::seconds(10));
  CHECK(w.repo.state().sessions.at(1).ended_at == before_lock + std::chrono::seconds(10));
}

namespace {

// Everything the feed got, completing writes at once.
class FeedLog final : public FeedWatcher {
 public:
  std::vector<FeedEvent> written;

 private:
  void start_write(const FeedEvent& event) override {
    written.push_back(event);
    write_done(true);
  }
  void finish(End) override {}
};

}  // namespace

TEST_CASE("every change bumps the device's version, wallet changes go to the feed", "[rental]") {
  World w;
  w.repo.set_wallet(kAnn, money("10.00"));
  auto feed = std::make_shared<FeedLog>();
  w.hub.subscribe_all(feed);
  feed->begin(std::vector<FeedEvent>{SnapshotEnd{}});

  const auto started = w.start(kDryer, kAnn, 60);
  CHECK(started.device.record.version == 1);
  CHECK(started.wallet.cash.str() == "8.50");
  CHECK(started.wallet.version == 1);  // the charge's ledger id
  w.clock.advance(30min);
  const auto stopped = w.stop(kDryer, kAnn);
  CHECK(stopped.device.record.version == 2);
  CHECK(stopped.wallet.cash.str() == "9.25");
  CHECK(stopped.wallet.version == 2);
  CHECK(w.rental.get_device(kDryer).record.version == 2);

  // A start after an unswept expiry: the expiry and the start each count.
  w.start(kDryer, kAnn, 1);
  w.clock.advance(2min);
  const auto again = w.start(kDryer, kAnn, 1);
  REQUIRE(again.events.size() == 2);
  CHECK(again.events[0].device.record.version == 4);
  CHECK(again.events[1].device.record.version == 5);

  CHECK(w.rental.set_cash(kAnn, "50", kAdmin).version == 5);
  CHECK(w.rental.set_cash(kAnn, "50", kAdmin).version == 5);  // no change, no event
  CHECK(w.rental.wallets({kAnn})[0].version == 5);

  std::vector<std::string> log;
  for (const auto& event : feed->written) {
    if (const auto* d = std::get_if<DeviceEvent>(&event)) {
      log.push_back("device v" + std::to_string(d->device.record.version));
    } else if (const auto* wallet = std::get_if<Wallet>(&event)) {
      log.push_back("wallet " + wallet->cash.str() + " v" + std::to_string(wallet->version));
    } else {
      log.push_back("end");
    }
  }
  CHECK(log == std::vector<std::string>{"end", "device v1", "wallet 8.50 v1", "device v2",
                                        "wallet 9.25 v2", "device v3", "wallet 9.22 v3",
                                        "device v4", "device v5", "wallet 9.19 v4",
                                        "wallet 50.00 v5"});
}
