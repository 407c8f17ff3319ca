// The bus against a real nats-server: delivery between processes' connections, no echo, and
// every gap reported (lost, restored), so that owners know when to start over.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fleet/bus/bus.h"
#include "fleet/bus/replication.h"
#include "fleet/common/config.h"
#include "nats_server.h"

using fleet::bus::Bus;
using fleet::bus::Event;
using fleet::bus::Settings;
using fleet::bus::testing::NatsServer;
using namespace std::chrono_literals;

namespace {

// What one bus heard: messages and connection events, waited for with a deadline.
class Inbox {
 public:
  void message(std::string_view payload) {
    std::lock_guard lock(mutex_);
    messages_.emplace_back(payload);
    changed_.notify_all();
  }
  void event(Event event) {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
    changed_.notify_all();
  }
  bool wait_messages(std::size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return messages_.size() >= count; });
  }
  bool wait_event(Event event) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 10s, [&] {
      return std::find(events_.begin(), events_.end(), event) != events_.end();
    });
  }
  std::vector<std::string> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> messages_;
  std::vector<Event> events_;
};

Settings settings_for(const NatsServer& server) { return Settings::parse(server.url()); }

}  // namespace

TEST_CASE("NATS_URL: a comma-separated list of nats://host:port, or nothing") {
  CHECK_FALSE(Settings::parse("").enabled());
  const auto two = Settings::parse("nats://a:4222, nats://b:4223");
  REQUIRE(two.servers == std::vector<std::string>{"nats://a:4222", "nats://b:4223"});
  CHECK_THROWS_AS(Settings::parse("a:4222"), fleet::config::ConfigError);
  CHECK_THROWS_AS(Settings::parse("nats://a"), fleet::config::ConfigError);
  CHECK_THROWS_AS(Settings::parse("nats://a:42x"), fleet::config::ConfigError);
  CHECK_THROWS_AS(Settings::parse("nats://:4222"), fleet::config::ConfigError);
}

TEST_CASE("the bus delivers one publisher's messages in order to other connections only") {
  NatsServer server;
  Inbox a_inbox, b_inbox;
  Bus a(settings_for(server), "a", [&](Event e) { a_inbox.event(e); });
  Bus b(settings_for(server), "b", [&](Event e) { b_inbox.event(e); });
  a.subscribe("test.subject", [&](std::string_view p) { a_inbox.message(p); });
  b.subscribe("test.subject", [&](std::string_view p) { b_inbox.message(p); });
  REQUIRE(a_inbox.wait_event(Event::kConnected));
  REQUIRE(b_inbox.wait_event(Event::kConnected));
  // A subscription reaches the server asynchronously: wait until one message gets through.
  REQUIRE(a.publish("test.subject", "hello"));
  REQUIRE(b_inbox.wait_messages(1));

  for (int i = 0; i < 100; ++i) REQUIRE(a.publish("test.subject", std::to_string(i)));
  REQUIRE(b_inbox.wait_messages(101));
  const auto got = b_inbox.messages();
  for (int i = 0; i < 100; ++i) CHECK(got[static_cast<std::size_t>(i) + 1] == std::to_string(i));
  CHECK(b.received() == 101);
  CHECK(a.published() == 101);
  // No echo: the publisher applied its own changes already.
  std::this_thread::sleep_for(100ms);
  CHECK(a_inbox.messages().empty());
}

TEST_CASE("a lost server is reported, retried, and delivery resumes when it is back") {
  NatsServer server;
  Inbox inbox;
  Bus publisher(settings_for(server), "publisher", {});
  Bus subscriber(settings_for(server), "subscriber", [&](Event e) { inbox.event(e); });
  subscriber.subscribe("test.subject", [&](std::string_view p) { inbox.message(p); });
  REQUIRE(inbox.wait_event(Event::kConnected));
  REQUIRE(publisher.publish("test.subject", "before"));
  REQUIRE(inbox.wait_messages(1));

  server.stop();
  REQUIRE(inbox.wait_event(Event::kLost));
  CHECK_FALSE(subscriber.connected());
  server.start();
  REQUIRE(inbox.wait_event(Event::kRestored));
  CHECK(subscriber.connected());
  // The renewed subscription gets what is published after it is back.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (inbox.messages().size() < 2 && std::chrono::steady_clock::now() < deadline) {
    publisher.publish("test.subject", "after");
    std::this_thread::sleep_for(50ms);
  }
  REQUIRE(inbox.messages().size() >= 2);
  CHECK(inbox.messages()[1] == "after");
}

TEST_CASE("a bus started while the server is down connects once it is up") {
  NatsServer server;
  server.stop();
  Inbox inbox;
  Bus bus(settings_for(server), "early", [&](Event e) { inbox.event(e); });
  CHECK_FALSE(bus.connected());
  server.start();
  REQUIRE(inbox.wait_event(Event::kConnected));
  CHECK(bus.connected());
}

namespace {

// What a Replication asked of its hub.
struct HubCalls {
  std::mutex mutex;
  std::vector<std::string> applied;
  int resyncs = 0;
  std::vector<bool> completeness;

  fleet::bus::Replication::Hooks hooks() {
    return {.apply =
                [this](std::string_view payload) {
                  std::lock_guard lock(mutex);
                  if (payload == "unreadable") return false;
                  applied.emplace_back(payload);
                  return true;
                },
            .resync =
                [this] {
                  std::lock_guard lock(mutex);
                  ++resyncs;
                },
            .set_complete =
                [this](bool complete) {
                  std::lock_guard lock(mutex);
                  completeness.push_back(complete);
                }};
  }
  int resync_count() {
    std::lock_guard lock(mutex);
    return resyncs;
  }
};

}  // namespace

TEST_CASE("replication: incomplete until the bus is up, and every gap resyncs the watchers") {
  NatsServer server;
  server.stop();  // nothing to connect to: the test drives the bus's events itself
  HubCalls calls;
  fleet::bus::Replication replication(settings_for(server), "test", "test.changes",
                                      calls.hooks());
  CHECK(replication.enabled());
  CHECK_FALSE(replication.complete());
  CHECK(calls.completeness == std::vector<bool>{false});

  replication.on_bus_event(Event::kConnected);  // changes made before may have been missed
  CHECK(replication.complete());
  CHECK(calls.resyncs == 1);
  replication.on_bus_event(Event::kGap);
  CHECK(replication.complete());
  CHECK(calls.resyncs == 2);
  replication.on_bus_event(Event::kLost);
  CHECK_FALSE(replication.complete());
  CHECK(calls.resyncs == 3);
  replication.on_bus_event(Event::kRestored);
  CHECK(replication.complete());
  CHECK(calls.resyncs == 4);
  CHECK(calls.completeness == std::vector<bool>{false, true, false, true});
}

TEST_CASE("replication: without a bus it is complete and sends nothing") {
  HubCalls calls;
  fleet::bus::Replication replication(Settings{}, "test", "test.changes", calls.hooks());
  CHECK_FALSE(replication.enabled());
  CHECK(replication.complete());
  replication.send("ignored");
  CHECK(calls.completeness.empty());
}

TEST_CASE("replication: another replica's changes are applied, an unreadable one resyncs") {
  NatsServer server;
  HubCalls a_calls, b_calls;
  fleet::bus::Replication a(settings_for(server), "a", "test.changes", a_calls.hooks());
  fleet::bus::Replication b(settings_for(server), "b", "test.changes", b_calls.hooks());
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!(a.complete() && b.complete()) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(b.complete());
  const int resyncs_before = b_calls.resync_count();
  a.send("change 1");
  a.send("unreadable");
  while (b_calls.resync_count() == resyncs_before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  CHECK(b_calls.resync_count() == resyncs_before + 1);
  std::lock_guard lock(b_calls.mutex);
  CHECK(b_calls.applied == std::vector<std::string>{"change 1"});
  CHECK(a_calls.applied.empty());  // never its own
}
