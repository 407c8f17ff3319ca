// The change publisher: versions (increasing, across topics and restarts), the current version
// first, order, bounded watchers; and the ChangeFeed service over gRPC in process.
#include "fleet/changes/publisher.h"

#include <catch2/catch.hpp>
#include <thread>

#include "fleet/changes/feed.h"
#include "fleet/changes/testing/recorder.h"
#include "fleet/rpc/testing/in_process_server.h"

using namespace fleet::changes;
using testing::Recorder;

namespace {

struct FakeWall {
  std::int64_t now = 1'000'000;
  Publisher::WallClock clock() {
    return [this] { return now; };
  }
};

}  // namespace

TEST_CASE("a watcher gets the current version first, then every change in order") {
  FakeWall wall;
  Publisher publisher(wall.clock());
  auto recorder = std::make_shared<Recorder>();
  publisher.subscribe(recorder);
  const auto a = publisher.publish("orders");
  const auto b = publisher.publish("payments");
  const auto changes = recorder->changes();
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].topic.empty());
  CHECK(changes[0].version == 1'000'000);
  CHECK(changes[1].topic == "orders");
  CHECK(changes[1].version == a);
  CHECK(changes[2].topic == "payments");
  CHECK(changes[2].version == b);
  CHECK(a > changes[0].version);
  CHECK(b > a);
  CHECK(publisher.version() == b);
}

TEST_CASE("versions follow the wall clock and never go back, so a restart starts above") {
  FakeWall wall;
  std::int64_t last;
  {
    Publisher first(wall.clock());
    first.publish("lights");
    wall.now += 5'000'000;
    CHECK(first.publish("lights") == wall.now);
    wall.now -= 60'000'000;  // the clock steps back: versions still increase
    const auto before = first.version();
    last = first.publish("lights");
    CHECK(last == before + 1);
  }
  wall.now += 120'000'000;  // a restart, later
  Publisher second(wall.clock());
  CHECK(second.version() > last);
}

TEST_CASE("a watcher that falls behind is ended, the others go on") {
  Publisher publisher;
  auto slow = std::make_shared<Recorder>(2);
  slow->hold();
  auto fine = std::make_shared<Recorder>(2);
  publisher.subscribe(slow);
  publisher.subscribe(fine);
  for (int i = 0; i < 4; ++i) publisher.publish("devices");
  // The slow one's first write (the current version) is still outstanding.
  slow->write_done(true);
  CHECK(slow->ended() == WatchEnd::kOverflow);
  CHECK_FALSE(fine->ended());
  CHECK(fine->changes().size() == 5);
}

TEST_CASE("unsubscribed and dropped watchers get nothing, end_all ends the rest") {
  Publisher publisher;
  auto gone = std::make_shared<Recorder>();
  auto left = std::make_shared<Recorder>();
  auto kept = std::make_shared<Recorder>();
  publisher.subscribe(gone);
  const auto ticket = publisher.subscribe(left);
  publisher.subscribe(kept);
  gone.reset();
  publisher.unsubscribe(ticket);
  publisher.publish("orders");
  CHECK(left->changes().size() == 1);
  CHECK(kept->changes().size() == 2);
  CHECK(publisher.watchers() == 1);
  publisher.end_all(WatchEnd::kShutdown);
  CHECK(kept->ended() == WatchEnd::kShutdown);
}

TEST_CASE("ChangeFeed.Watch streams the current version, then the changes") {
  namespace v1 = ::fleetgate::changes::v1;
  Publisher publisher;
  ChangeFeedService feed(publisher);
  fleet::rpc::testing::InProcessServer<v1::ChangeFeed> server(feed, "changes-test");
  auto context = fleet::rpc::testing::context();
  const v1::WatchRequest request;
  auto reader = server.stub().Watch(context.get(), request);
  v1::Change change;
  REQUIRE(reader->Read(&change));
  CHECK(change.topic().empty());
  CHECK(change.version() == publisher.version());
  const auto version = publisher.publish("lights");
  REQUIRE(reader->Read(&change));
  CHECK(change.topic() == "lights");
  CHECK(change.version() == version);
  publisher.end_all(WatchEnd::kShutdown);
  CHECK_FALSE(reader->Read(&change));
  CHECK(reader->Finish().error_code() == grpc::StatusCode::UNAVAILABLE);
}
