#include <catch2/catch.hpp>

#include "domain/device_hub.h"
#include "recorder.h"

using namespace fleet::device_session;
using fleet::device_session::testing::Recorder;
using Kind = DeviceEvent::Kind;
using End = Watcher::End;

namespace {

DeviceEvent event(Kind kind, std::int64_t sequence, std::int64_t device_id = 1) {
  DeviceEvent e{kind, DeviceView{}, sequence};
  e.device.record.id = device_id;
  return e;
}

}  // namespace

TEST_CASE("the snapshot goes first, then what arrived before it, in order", "[hub]") {
  Recorder w;
  w.deliver(event(Kind::kStarted, 2));
  w.deliver(event(Kind::kStopped, 3));
  CHECK(w.written.empty());  // held back until the snapshot
  w.begin(event(Kind::kSnapshot, 0));
  w.drain();
  CHECK(w.kinds() == std::vector{Kind::kSnapshot, Kind::kStarted, Kind::kStopped});
  w.deliver(event(Kind::kStarted, 4));
  w.drain();
  CHECK(w.written.back().sequence == 4);
  CHECK(w.overlapping_writes == 0);
  CHECK_FALSE(w.finished);
}

TEST_CASE("one write is outstanding at a time", "[hub]") {
  Recorder w;
  w.begin(event(Kind::kSnapshot, 0));
  w.deliver(event(Kind::kStarted, 2));
  w.deliver(event(Kind::kStopped, 3));
  CHECK(w.written.size() == 1);
  w.complete();
  CHECK(w.written.size() == 2);
  w.complete();
  CHECK(w.written.size() == 3);
  CHECK(w.overlapping_writes == 0);
}

TEST_CASE("a watcher that falls behind ends with overflow instead of growing", "[hub]") {
  Recorder w(3);
  w.begin(event(Kind::kSnapshot, 0));  // being written, not queued
  for (int i = 1; i <= 3; ++i) w.deliver(event(Kind::kStarted, 2 * i));
  CHECK_FALSE(w.finished);
  w.deliver(event(Kind::kStarted, 100));  // the fourth waiting event
  CHECK_FALSE(w.finished);                // the snapshot's write is still outstanding
  w.deliver(event(Kind::kStarted, 102));  // ignored from now on
  w.complete();
  CHECK(w.finished == End::kOverflow);
  CHECK(w.written.size() == 1);  // the queued events were dropped, never written
  w.deliver(event(Kind::kStarted, 104));
  CHECK(w.written.size() == 1);
}

TEST_CASE("a cancelled watcher finishes once its outstanding write is done", "[hub]") {
  Recorder w;
  w.begin(event(Kind::kSnapshot, 0));
  w.deliver(event(Kind::kStarted, 2));
  w.end(End::kCancelled);
  CHECK_FALSE(w.finished);
  w.complete(false);
  CHECK(w.finished == End::kCancelled);
  CHECK(w.written.size() == 1);
  w.end(End::kShutdown);  // idempotent
  CHECK(w.finished == End::kCancelled);
}

TEST_CASE("a failed write ends the watcher, an idle one finishes at once", "[hub]") {
  Recorder broken;
  broken.begin(event(Kind::kSnapshot, 0));
  broken.complete(false);
  CHECK(broken.finished == End::kCancelled);

  Recorder idle;
  idle.end(End::kNotFound);  // before any snapshot
  CHECK(idle.finished == End::kNotFound);
  idle.begin(event(Kind::kSnapshot, 0));
  CHECK(idle.written.empty());
}

TEST_CASE("the hub delivers to a device's watchers in order and drops stale events", "[hub]") {
  DeviceHub hub;
  auto a = std::make_shared<Recorder>();
  auto b = std::make_shared<Recorder>();
  auto other = std::make_shared<Recorder>();
  hub.subscribe(1, a);
  const auto ticket_b = hub.subscribe(1, b);
  hub.subscribe(2, other);
  for (auto* w : {a.get(), b.get(), other.get()}) w->begin(event(Kind::kSnapshot, 0));

  hub.publish(event(Kind::kStarted, 10));
  hub.publish(event(Kind::kExpired, 9));  // published late by a slower thread: stale
  hub.publish(event(Kind::kStopped, 11));
  hub.unsubscribe(1, ticket_b);
  hub.publish(event(Kind::kStarted, 12));
  a->drain();
  b->drain();
  other->drain();
  CHECK(a->kinds() == std::vector{Kind::kSnapshot, Kind::kStarted, Kind::kStopped, Kind::kStarted});
  CHECK(b->kinds() == std::vector{Kind::kSnapshot, Kind::kStarted, Kind::kStopped});
  CHECK(other->kinds() == std::vector{Kind::kSnapshot});
  CHECK(hub.watchers(1) == 1);
}

TEST_CASE("the hub holds watchers weakly and can end them all", "[hub]") {
  DeviceHub hub;
  auto kept = std::make_shared<Recorder>();
  hub.subscribe(1, kept);
  {
    auto gone = std::make_shared<Recorder>();
    hub.subscribe(1, gone);
    CHECK(hub.watchers(1) == 2);
  }
  CHECK(hub.watchers(1) == 1);
  hub.publish(event(Kind::kStarted, 2));  // skips and forgets the gone one
  hub.end_all(End::kShutdown);
  CHECK(kept->finished == End::kShutdown);
}

namespace {

// A FeedWatcher whose transport is a list, completing every write at once.
class FeedRecorder final : public FeedWatcher {
 public:
  using FeedWatcher::FeedWatcher;
  std::vector<FeedEvent> written;
  std::optional<End> finished;
  bool hold = false;  // leave writes outstanding

  void release() {
    hold = false;
    write_done(true);
  }

 private:
  void start_write(const FeedEvent& event) override {
    written.push_back(event);
    if (!hold) write_done(true);
  }
  void finish(End reason) override { finished = reason; }
};

}  // namespace

TEST_CASE("feed watchers get every device event and wallet change after the snapshot", "[hub]") {
  DeviceHub hub;
  auto feed = std::make_shared<FeedRecorder>(4);
  hub.subscribe_all(feed);
  hub.publish(event(Kind::kStarted, 2, 1));
  hub.publish(Wallet{7, fleet::Money::cents(850), 11});
  CHECK(feed->written.empty());  // held back until the snapshot
  // A snapshot larger than the capacity is no overflow.
  std::vector<FeedEvent> snapshot;
  for (int id = 1; id <= 10; ++id) snapshot.emplace_back(event(Kind::kSnapshot, 0, id));
  snapshot.emplace_back(SnapshotEnd{});
  feed->begin(snapshot);
  REQUIRE(feed->written.size() == 13);
  CHECK(std::holds_alternative<SnapshotEnd>(feed->written[10]));
  CHECK(std::get<DeviceEvent>(feed->written[11]).kind == Kind::kStarted);
  CHECK(std::get<Wallet>(feed->written[12]).version == 11);
  hub.publish(event(Kind::kStarted, 2, 1));  // stale: dropped for the feed too
  hub.publish(event(Kind::kStopped, 3, 1));
  CHECK(feed->written.size() == 14);
  CHECK_FALSE(feed->finished);
  CHECK(hub.feed_watchers() == 1);
}

TEST_CASE("a feed watcher that falls behind is ended, never skipped", "[hub]") {
  DeviceHub hub;
  auto feed = std::make_shared<FeedRecorder>(2);
  const auto ticket = hub.subscribe_all(feed);
  feed->hold = true;
  feed->begin(std::vector<FeedEvent>{SnapshotEnd{}});  // outstanding
  hub.publish(Wallet{7, fleet::Money::cents(1), 1});
  hub.publish(Wallet{7, fleet::Money::cents(2), 2});
  CHECK_FALSE(feed->finished);
  hub.publish(Wallet{7, fleet::Money::cents(3), 3});  // the third waiting event
  feed->release();
  CHECK(feed->finished == End::kOverflow);
  CHECK(feed->written.size() == 1);  // nothing after the gap was written
  hub.end_all(End::kShutdown);       // ends nobody twice
  hub.unsubscribe_all(ticket);
  CHECK(hub.feed_watchers() == 0);
}

TEST_CASE("end_all ends feed watchers too", "[hub]") {
  DeviceHub hub;
  auto feed = std::make_shared<FeedRecorder>();
  hub.subscribe_all(feed);
  hub.end_all(End::kShutdown);
  CHECK(feed->finished == End::kShutdown);
}

namespace {

// What the hub sent on to the other replicas.
class OutboxRecorder final : public Outbox {
 public:
  std::vector<std::int64_t> sequences;
  std::vector<std::int64_t> wallet_versions;
  void committed(const DeviceEvent& event) override { sequences.push_back(event.sequence); }
  void committed(const Wallet& wallet) override { wallet_versions.push_back(wallet.version); }
};

}  // namespace

TEST_CASE("local changes go to the outbox once delivered, remote ones are only delivered",
          "[hub][replicas]") {
  DeviceHub hub;
  OutboxRecorder outbox;
  hub.set_outbox(&outbox);
  auto watcher = std::make_shared<Recorder>();
  hub.subscribe(1, watcher);
  watcher->begin(event(Kind::kSnapshot, 0));

  hub.publish(event(Kind::kStarted, 10));
  hub.apply_remote(event(Kind::kStopped, 11));  // another replica's stop
  hub.publish(event(Kind::kExpired, 11));       // stale here: already told, not sent on
  hub.apply_remote(event(Kind::kStarted, 10));  // a late echo of an older change: dropped
  hub.publish(Wallet{7, fleet::Money::cents(100), 3});
  hub.apply_remote(Wallet{8, fleet::Money::cents(200), 4});
  watcher->drain();

  CHECK(watcher->kinds() == std::vector{Kind::kSnapshot, Kind::kStarted, Kind::kStopped});
  CHECK(outbox.sequences == std::vector<std::int64_t>{10});
  CHECK(outbox.wallet_versions == std::vector<std::int64_t>{3});
  hub.set_outbox(nullptr);
  hub.publish(event(Kind::kStarted, 12));
  CHECK(outbox.sequences.size() == 1);
}

TEST_CASE("an incomplete hub ends its feed watchers and refuses new ones, device watchers go on",
          "[hub][replicas]") {
  DeviceHub hub;
  auto feed = std::make_shared<FeedRecorder>();
  auto watcher = std::make_shared<Recorder>();
  hub.subscribe_all(feed);
  hub.subscribe(1, watcher);
  CHECK(hub.complete());

  hub.set_complete(false);
  CHECK_FALSE(hub.complete());
  CHECK(feed->finished == End::kFailed);
  CHECK_FALSE(watcher->finished);
  auto refused = std::make_shared<FeedRecorder>();
  CHECK(hub.subscribe_all(refused) == 0);
  CHECK(refused->finished == End::kFailed);

  hub.set_complete(true);
  auto accepted = std::make_shared<FeedRecorder>();
  CHECK(hub.subscribe_all(accepted) != 0);
  CHECK_FALSE(accepted->finished);
}
