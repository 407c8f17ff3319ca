// Subscription: a server stream kept open for the life of the process, reopened after a
// backoff when it ends, and closed for good by stop().
#include "upstream/subscription.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>

#include "support/fake_streams.h"
#include "upstream/upstream.h"

namespace fleet::gateway::testing {
namespace {

using namespace std::chrono_literals;
namespace dspb = upstream::dspb;
using Event = dspb::DeviceEvent;
using Feed = upstream::Subscription<Event>;

struct Fixture {
  boost::asio::io_context ioc;
  FakeStreams streams;
  std::atomic<int> events{0};
  std::atomic<int> lost{0};

  std::shared_ptr<Feed> start(upstream::Backoff backoff = {1ms, 4ms}) {
    return Feed::start(
        ioc, "test.Watch",
        [this](upstream::StreamCallbacks<Event> callbacks) {
          dspb::WatchDeviceRequest request;
          request.set_device_id(7);
          return streams.open(request, upstream::raw_callbacks(std::move(callbacks)));
        },
        {.on_event = [this](const Event&) { ++events; },
         .on_lost = [this](const grpc::Status&) { ++lost; }},
        backoff);
  }
  // Runs the io_context until `done` or a second has passed.
  template <typename Done>
  void run_until(Done done) {
    const auto deadline = std::chrono::steady_clock::now() + 1s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      ioc.restart();
      ioc.run_for(5ms);
    }
  }
};

Event started() {
  Event event;
  event.set_kind(Event::KIND_STARTED);
  return event;
}

TEST_CASE("a subscription opens its stream at once and hands every event on") {
  Fixture f;
  auto feed = f.start();
  REQUIRE(f.streams.open_count<dspb::WatchDeviceRequest>() == 1);
  f.streams.push<dspb::WatchDeviceRequest>(started());
  f.streams.push<dspb::WatchDeviceRequest>(started());
  CHECK(f.events == 2);
  CHECK(f.lost == 0);
  feed->stop();
}

TEST_CASE("a lost stream is reported and opened again after the backoff") {
  Fixture f;
  auto feed = f.start();
  f.streams.finish<dspb::WatchDeviceRequest>(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  CHECK(f.lost == 1);
  CHECK(f.streams.open_count<dspb::WatchDeviceRequest>() == 0);
  f.run_until([&] { return f.streams.open_count<dspb::WatchDeviceRequest>() == 1; });
  CHECK(f.streams.of<dspb::WatchDeviceRequest>().size() == 2);
  CHECK(f.streams.open_count<dspb::WatchDeviceRequest>() == 1);
  f.streams.push<dspb::WatchDeviceRequest>(started());
  CHECK(f.events == 1);
  feed->stop();
}

TEST_CASE("a stream that fails at once keeps being retried, not spun on") {
  Fixture f;
  f.streams.on_open = [](FakeStream& stream) {
    stream.finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  };
  auto feed = f.start({1ms, 2ms});
  f.run_until([&] { return f.lost >= 4; });
  CHECK(f.lost >= 4);
  // Each attempt waited for its timer: no more opens than losses plus the one pending.
  CHECK(f.streams.of<dspb::WatchDeviceRequest>().size() <= static_cast<std::size_t>(f.lost) + 1);
  feed->stop();
}

TEST_CASE("stop cancels the stream and opens no other") {
  Fixture f;
  auto feed = f.start();
  feed->stop();
  auto opened = f.streams.of<dspb::WatchDeviceRequest>();
  REQUIRE(opened.size() == 1);
  CHECK(opened.front()->cancelled());
  CHECK(f.lost == 1);
  f.ioc.restart();
  f.ioc.run_for(20ms);
  CHECK(f.streams.of<dspb::WatchDeviceRequest>().size() == 1);
}

}  // namespace
}  // namespace fleet::gateway::testing
