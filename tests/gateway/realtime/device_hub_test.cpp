// The device hub against WatchDevice streams the test drives (FakeWatch), on an io_context the
// test drives, with a ManualClock and ticks by hand.
#include "realtime/device_hub.h"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <optional>

#include "support/canned_upstream.h"
#include "support/devices.h"
#include "support/fake_socket.h"
#include "support/fake_watch.h"

using namespace fleet::gateway;
using testing::FakeWatcher;
using testing::FakeSocket;
using Kind = upstream::dspb::DeviceEvent;
namespace dspb = upstream::dspb;

namespace {
constexpr std::int64_t kT0 = 1736503200;  // 2025-01-10T10:00:00Z

struct Hub {
  fleet::ManualClock clock{fleet::Clock::time_point(std::chrono::seconds(kT0))};
  testing::CannedUpstream canned;  // the hub makes no unary call
  FakeWatcher watcher;
  upstream::Upstream upstream{canned, &watcher};
  app::Metrics metrics;
  boost::asio::io_context ioc;
  realtime::DeviceHub hub{ioc, upstream, clock, metrics,
                          realtime::HubOptions{.linger = std::chrono::milliseconds(30),
                                               .backoff_min = std::chrono::milliseconds(20),
                                               .backoff_max = std::chrono::milliseconds(40),
                                               .ticks = false}};

  // Runs every handler that is ready.
  void drain() {
    ioc.restart();
    ioc.poll();
  }
  // Runs handlers, timers included, for a while.
  void run_for(std::chrono::milliseconds d) {
    ioc.restart();
    ioc.run_for(d);
  }

  std::shared_ptr<FakeSocket> watch(std::int64_t device, realtime::Feed feed,
                                    realtime::DeviceHub::Ticket* ticket = nullptr) {
    auto socket = std::make_shared<FakeSocket>();
    auto t = hub.subscribe(device, feed, socket);
    if (ticket) *ticket = t;
    return socket;
  }

  dspb::Device device(std::int64_t id, std::optional<std::int64_t> user = std::nullopt,
                      std::chrono::milliseconds left = std::chrono::milliseconds(0)) {
    auto d = testing::device(id);
    if (!user) return d;
    return testing::running(d, *user, clock.now() + left, static_cast<double>(left.count()) / 1000.0);
  }

  std::shared_ptr<testing::FakeWatch> stream(std::size_t i = 0) { return watcher.watches().at(i); }
};

const char* kIdle1 = R"({"device_id":1,"time_left":0,"status":"idle","user_id":null})";
const char* kIdleStatus1 = R"({"device_id":1,"running":false})";

}  // namespace

TEST_CASE("hub: one upstream stream per device however many sockets, state first") {
  Hub h;
  std::vector<std::shared_ptr<FakeSocket>> timeleft, status;
  for (int i = 0; i < 100; ++i) timeleft.push_back(h.watch(1, realtime::Feed::kTimeleft));
  for (int i = 0; i < 50; ++i) status.push_back(h.watch(1, realtime::Feed::kStatus));
  h.drain();
  REQUIRE(h.watcher.watches().size() == 1);
  CHECK(h.stream()->device_id == 1);
  CHECK(h.metrics.open_streams() == 1);
  CHECK_FALSE(h.hub.knows(1));
  CHECK(timeleft[0]->count() == 0);  // nothing before the first state

  h.stream()->push(Kind::KIND_SNAPSHOT, h.device(1));
  h.drain();
  CHECK(h.hub.knows(1));
  for (const auto& s : timeleft) {
    REQUIRE(s->count() == 1);
    CHECK(s->last() == kIdle1);
    CHECK(s->shared().front() == timeleft[0]->shared().front());  // built once, shared
  }
  for (const auto& s : status) CHECK(s->texts() == std::vector<std::string>{kIdleStatus1});

  // Another device has its own stream; a socket arriving later gets the state at once.
  auto other = h.watch(2, realtime::Feed::kStatus);
  auto late = h.watch(1, realtime::Feed::kTimeleft);
  h.drain();
  CHECK(h.watcher.watches().size() == 2);
  CHECK(h.metrics.open_streams() == 2);
  CHECK(late->texts() == std::vector<std::string>{kIdle1});
  CHECK(other->count() == 0);
  CHECK_FALSE(h.hub.knows(2));
}

TEST_CASE("hub: ticks derive time_left from end_time and the clock") {
  Hub h;
  auto a = h.watch(1, realtime::Feed::kTimeleft);
  auto b = h.watch(1, realtime::Feed::kTimeleft);
  auto st = h.watch(1, realtime::Feed::kStatus);
  h.drain();
  h.stream()->push(Kind::KIND_SNAPSHOT, h.device(1, 7, std::chrono::milliseconds(60'500)));
  h.drain();
  // 60.5 s left: whole seconds rounded up.
  CHECK(a->last() == R"({"device_id":1,"time_left":61,"status":"running","user_id":7})");
  CHECK(st->last() == R"({"device_id":1,"running":true,"end_time":"2025-01-10T10:01:00Z"})");

  h.clock.advance(std::chrono::seconds(1));
  h.hub.tick(1);
  h.drain();
  CHECK(a->last() == R"({"device_id":1,"time_left":60,"status":"running","user_id":7})");
  CHECK(a->shared().back() == b->shared().back());
  CHECK(st->count() == 1);  // the status feed does not tick

  h.clock.advance(std::chrono::milliseconds(600));  // 58.9 s left
  h.hub.tick(1);
  h.drain();
  CHECK(a->last() == R"({"device_id":1,"time_left":59,"status":"running","user_id":7})");

  // Past end_time the countdown shows the device free, before the expiry event arrives.
  h.clock.advance(std::chrono::seconds(59));
  h.hub.tick(1);
  h.drain();
  CHECK(a->last() == kIdle1);
  CHECK(a->count() == 4);
}

TEST_CASE("hub: start, stop and expiry reach every socket at once") {
  Hub h;
  auto tl = h.watch(1, realtime::Feed::kTimeleft);
  auto st = h.watch(1, realtime::Feed::kStatus);
  h.drain();
  h.stream()->push(Kind::KIND_SNAPSHOT, h.device(1));
  h.drain();

  h.stream()->push(Kind::KIND_STARTED, h.device(1, 9, std::chrono::minutes(30)));
  h.drain();
  CHECK(tl->last() == R"({"device_id":1,"time_left":1800,"status":"running","user_id":9})");
  CHECK(st->last() == R"({"device_id":1,"running":true,"end_time":"2025-01-10T10:30:00Z"})");

  h.stream()->push(Kind::KIND_STARTED, h.device(1, 9, std::chrono::minutes(30)));  // repeat
  h.drain();
  CHECK(tl->count() == 2);
  CHECK(st->count() == 2);

  h.clock.advance(std::chrono::minutes(10));
  h.stream()->push(Kind::KIND_STOPPED, h.device(1));
  h.drain();
  CHECK(tl->last() == kIdle1);
  CHECK(st->last() == kIdleStatus1);

  h.stream()->push(Kind::KIND_STARTED, h.device(1, 4, std::chrono::seconds(5)));
  h.drain();
  h.clock.advance(std::chrono::seconds(5));
  h.stream()->push(Kind::KIND_EXPIRED, h.device(1));
  h.drain();
  CHECK(tl->last() == kIdle1);
  CHECK(st->last() == kIdleStatus1);
  CHECK(tl->count() == 5);
  CHECK(st->count() == 5);
}

TEST_CASE("hub: a socket arriving while the stream lingers reuses it") {
  Hub h;
  realtime::DeviceHub::Ticket t1 = 0, t2 = 0, t3 = 0;
  h.watch(1, realtime::Feed::kTimeleft, &t1);
  h.watch(1, realtime::Feed::kStatus, &t2);
  h.drain();
  h.stream()->push(Kind::KIND_SNAPSHOT, h.device(1));
  h.hub.unsubscribe(1, t1);
  h.run_for(std::chrono::milliseconds(60));
  CHECK_FALSE(h.stream()->done());  // one socket still watches

  h.hub.unsubscribe(1, t2);
  h.drain();
  CHECK_FALSE(h.stream()->done());  // lingers a moment: a reloading page reuses it
  auto back = h.watch(1, realtime::Feed::kStatus, &t3);
  h.run_for(std::chrono::milliseconds(60));
  CHECK_FALSE(h.stream()->done());
  CHECK(back->texts() == std::vector<std::string>{kIdleStatus1});  // the held state, at once

  h.hub.unsubscribe(1, t3);
  h.run_for(std::chrono::milliseconds(60));
  CHECK(h.stream()->cancelled());
  CHECK(h.watcher.watches().size() == 1);
}

TEST_CASE("hub: teardown after the last subscriber, and a fresh stream for the next") {
  Hub h;
  realtime::DeviceHub::Ticket t = 0;
  auto first = h.watch(1, realtime::Feed::kTimeleft, &t);
  h.drain();
  h.stream()->push(Kind::KIND_SNAPSHOT, h.device(1));
  h.drain();
  h.hub.unsubscribe(1, t);
  h.run_for(std::chrono::milliseconds(80));
  CHECK(h.stream()->cancelled());
  CHECK(h.metrics.open_streams() == 0);

  auto next = h.watch(1, realtime::Feed::kTimeleft);
  h.drain();
  REQUIRE(h.watcher.watches().size() == 2);
  CHECK(h.metrics.open_streams() == 1);
  CHECK(next->count() == 0);  // waits for the new stream's state, not the stale one
  h.stream(1)->push(Kind::KIND_SNAPSHOT, h.device(1, 3, std::chrono::seconds(10)));
  h.drain();
  CHECK(next->last() == R"({"device_id":1,"time_left":10,"status":"running","user_id":3})");
  CHECK(first->count() == 1);
}

TEST_CASE("hub: a failed stream is reopened with backoff, sockets keep the last state") {
  Hub h;
  auto tl = h.watch(1, realtime::Feed::kTimeleft);
  h.drain();
  h.stream()->push(Kind::KIND_SNAPSHOT, h.device(1, 5, std::chrono::seconds(100)));
  h.drain();
  REQUIRE(tl->count() == 1);

  h.stream()->finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone"));
  h.drain();
  CHECK(h.metrics.open_streams() == 0);
  CHECK(h.watcher.watches().size() == 1);  // not at once: backoff
  h.clock.advance(std::chrono::seconds(1));
  h.hub.tick(1);
  h.drain();
  CHECK(tl->last() == R"({"device_id":1,"time_left":99,"status":"running","user_id":5})");

  h.run_for(std::chrono::milliseconds(50));
  REQUIRE(h.watcher.watches().size() == 2);
  CHECK(h.metrics.open_streams() == 1);
  // The same state again is no news; a change is.
  h.stream(1)->push(Kind::KIND_SNAPSHOT, h.device(1, 5, std::chrono::seconds(99)));
  h.drain();
  CHECK(tl->count() == 2);
  h.stream(1)->push(Kind::KIND_SNAPSHOT, h.device(1));
  h.drain();
  CHECK(tl->last() == kIdle1);

  // Failing again and again backs off up to the maximum, and stops when nobody watches.
  h.stream(1)->finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone"));
  h.run_for(std::chrono::milliseconds(100));
  CHECK(h.watcher.watches().size() >= 3);
}

TEST_CASE("hub: ticking by its own timer, aligned to whole seconds left") {
  fleet::SystemClock clock;
  testing::CannedUpstream canned;  // the hub makes no unary call
  FakeWatcher watcher;
  upstream::Upstream upstream{canned, &watcher};
  app::Metrics metrics;
  boost::asio::io_context ioc;
  realtime::DeviceHub hub{ioc, upstream, clock, metrics};
  auto tl = std::make_shared<FakeSocket>();
  hub.subscribe(1, realtime::Feed::kTimeleft, tl);
  ioc.poll();
  const auto d =
      testing::running(testing::device(1), 2, clock.now() + std::chrono::milliseconds(10'300), 10.3);
  watcher.watches().at(0)->push(Kind::KIND_SNAPSHOT, d);
  ioc.restart();
  ioc.run_for(std::chrono::milliseconds(2000));
  auto texts = tl->texts();
  REQUIRE(texts.size() == 3);  // at once, then after ~0.3 s and ~1.3 s
  CHECK(texts[0].find(R"("time_left":11,)") != std::string::npos);  // 10.3 s left, rounded up
  CHECK(texts[1].find(R"("time_left":10,)") != std::string::npos);
  CHECK(texts[2].find(R"("time_left":9,)") != std::string::npos);
}

TEST_CASE("hub: a write's own reply reaches the sockets before its stream event, never after") {
  Hub h;
  auto tl = h.watch(1, realtime::Feed::kTimeleft);
  h.drain();
  auto idle = h.device(1);
  idle.set_version(4);
  h.stream()->push(Kind::KIND_SNAPSHOT, idle);
  h.drain();
  CHECK(tl->last() == kIdle1);

  auto started = h.device(1, 9, std::chrono::minutes(30));
  started.set_version(5);
  h.hub.apply(started);  // the start's reply, before the stream has it
  h.drain();
  CHECK(tl->last() == R"({"device_id":1,"time_left":1800,"status":"running","user_id":9})");
  const auto after_reply = tl->count();
  h.stream()->push(Kind::KIND_STARTED, started);  // the same change, from the stream
  h.stream()->push(Kind::KIND_SNAPSHOT, idle);    // an older state, late: stale
  h.drain();
  CHECK(tl->count() == after_reply);
  h.hub.apply(idle);  // an older reply changes nothing either
  h.hub.apply(started);
  h.drain();
  CHECK(tl->count() == after_reply);
  h.hub.apply(h.device(2));  // a device nobody here follows: nothing opened
  h.drain();
  CHECK(h.watcher.watches().size() == 1);
}
