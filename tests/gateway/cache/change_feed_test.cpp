// The response cache behind the repair, streetlight and pisync reads (cache/change_feed.*, the
// rows' `cache`, endpoint/pipeline.cpp): each service's ChangeFeed.Watch driven by FakeStreams;
// reads answered from memory while the feed is live and the topic unchanged, keys that tell
// callers apart where the answer depends on them, a write's version applied before it answers,
// upstream again once a feed is lost, and the /metrics counters.
#include "cache/change_feed.h"

#include <catch2/catch.hpp>

#include "support/gateway_harness.h"

namespace fleet::gateway::testing {
namespace {

using namespace std::chrono_literals;
using Watch = upstream::changespb::WatchRequest;
namespace changespb = upstream::changespb;
namespace repairpb = upstream::repairpb;
namespace slpb = upstream::slpb;
namespace syncpb = upstream::syncpb;

changespb::Change change(std::string topic, std::int64_t version) {
  changespb::Change c;
  c.set_topic(std::move(topic));
  c.set_version(version);
  return c;
}

struct Fixture {
  Harness h;
  std::vector<std::shared_ptr<cache::ChangeFeed>> feeds = [this] {
    std::vector<std::shared_ptr<cache::ChangeFeed>> out;
    for (auto service : Harness::kFeedServices) {
      out.push_back(cache::follow_changes(h.hub_ioc, h.upstream, h.responses, h.metrics, service,
                                          {1ms, 1ms}));
    }
    return out;
  }();

  ~Fixture() {
    for (const auto& feed : feeds) feed->stop();
  }
  // The open stream of a service, in the order the feeds were started.
  FakeStream& stream(std::size_t i) {
    auto all = h.streams.of<Watch>();
    REQUIRE(all.size() > i);
    return *all[i];
  }
  void live_all() {
    for (std::size_t i = 0; i < 3; ++i) stream(i).push(change("", 1000));
  }
};

repairpb::ListOrdersResponse orders(std::int64_t customer, int n) {
  repairpb::ListOrdersResponse r;
  for (int i = 1; i <= n; ++i) {
    auto* o = r.add_orders();
    o->set_id(i);
    o->set_customer_id(customer);
    o->set_device_id(1);
    o->set_cost("10.00");
    o->set_discount("0.00");
    o->set_total_cost("10.00");
    o->set_status(repairpb::ORDER_STATUS_PENDING);
  }
  return r;
}

}  // namespace

TEST_CASE("response cache: repair orders from memory while live, per caller where it matters") {
  Fixture f;
  auto& h = f.h;
  REQUIRE(h.streams.open_count<Watch>() == 3);
  h.canned.reply<repairpb::ListOrdersRequest>(orders(3, 2));

  // Not live yet: upstream every time.
  REQUIRE(h.as(h.admin, "GET", "/v1/orders").status == 200);
  REQUIRE(h.as(h.admin, "GET", "/v1/orders").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 2);

  f.live_all();
  const auto first = h.as(h.admin, "GET", "/v1/orders?limit=20");
  const auto again = h.as(h.admin, "GET", "/v1/orders?limit=20");
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 3);
  // Staff share the answer; another query is another entry.
  REQUIRE(h.as(h.op, "GET", "/v1/orders?limit=20").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 3);
  REQUIRE(h.as(h.op, "GET", "/v1/orders?limit=5").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 4);
  // A customer's list is their own: never a staff answer, never another customer's.
  REQUIRE(h.as(h.alice, "GET", "/v1/orders?limit=20").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 5);
  CHECK(h.canned.last<repairpb::ListOrdersRequest>().customer_id() == h.alice.id());
  REQUIRE(h.as(h.bob, "GET", "/v1/orders?limit=20").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 6);
  CHECK(h.canned.last<repairpb::ListOrdersRequest>().customer_id() == h.bob.id());
  REQUIRE(h.as(h.alice, "GET", "/v1/orders?limit=20").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 6);
  // Still a signed-in read: no token, no answer.
  CHECK(h.call("GET", "/v1/orders?limit=20").status == 401);

  // Another topic's change leaves orders alone; an orders change sends the next read upstream.
  f.stream(0).push(change("payments", 1001));
  REQUIRE(h.as(h.admin, "GET", "/v1/orders?limit=20").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 6);
  f.stream(0).push(change("orders", 1002));
  REQUIRE(h.as(h.admin, "GET", "/v1/orders?limit=20").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 7);

  // Errors are never kept.
  h.canned.fail<repairpb::ListOrdersRequest>(grpc::StatusCode::UNAVAILABLE, "down");
  CHECK(h.as(h.admin, "GET", "/v1/orders?limit=7").status == 503);
  h.canned.reply<repairpb::ListOrdersRequest>(orders(3, 1));
  CHECK(h.as(h.admin, "GET", "/v1/orders?limit=7").status == 200);

  auto metrics = h.call("GET", "/metrics").body;
  CHECK(metrics.find("fleetgate_change_feed_current{service=\"repair-shop\"} 1\n") !=
        std::string::npos);
  CHECK(metrics.find("fleetgate_response_cache_reads_total{surface=\"repair\",result=\"hit\"} 4") !=
        std::string::npos);
}

TEST_CASE("response cache: a write's reply version is applied before it answers") {
  Fixture f;
  auto& h = f.h;
  f.live_all();
  h.canned.reply<repairpb::ListOrdersRequest>(orders(3, 1));
  REQUIRE(h.as(h.admin, "GET", "/v1/orders").status == 200);
  REQUIRE(h.as(h.admin, "GET", "/v1/orders").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 1);

  repairpb::Order updated = orders(3, 1).orders(0);
  updated.set_status(repairpb::ORDER_STATUS_REPAIRING);
  h.canned.reply<repairpb::UpdateOrderRequest>(updated, {{"x-change-version", "orders=1005"}});
  REQUIRE(h.as(h.admin, "PATCH", "/v1/orders/1", R"({"status":"Repairing"})").status == 200);
  // The feed has not told yet; the next read goes upstream anyway.
  h.canned.reply<repairpb::ListOrdersRequest>([&] {
    repairpb::ListOrdersResponse r;
    *r.add_orders() = updated;
    return r;
  }());
  auto read = body_of(h.as(h.admin, "GET", "/v1/orders"));
  CHECK(read.at(0).at("status") == "Repairing");
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 2);
  // The feed's late news of the same write spoils nothing.
  f.stream(0).push(change("orders", 1005));
  REQUIRE(h.as(h.admin, "GET", "/v1/orders").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 2);
}

TEST_CASE("response cache: a lost feed sends its service's reads upstream until it is back") {
  Fixture f;
  auto& h = f.h;
  f.live_all();
  syncpb::ListDevicesResponse devices;
  devices.add_devices()->set_device_id(101);
  h.canned.reply<syncpb::ListDevicesRequest>(devices);
  h.canned.reply<repairpb::ListOrdersRequest>(orders(3, 1));
  for (int i = 0; i < 2; ++i) {
    REQUIRE(h.as(h.alice, "GET", "/pisync/devices").status == 200);
    REQUIRE(h.as(h.admin, "GET", "/v1/orders").status == 200);
  }
  CHECK(h.canned.count<syncpb::ListDevicesRequest>() == 1);
  // Every caller shares the pisync list.
  REQUIRE(h.as(h.bob, "GET", "/pisync/devices").status == 200);
  CHECK(h.canned.count<syncpb::ListDevicesRequest>() == 1);

  f.stream(2).finish(grpc::Status(grpc::StatusCode::UNAVAILABLE, "sync restarting"));
  CHECK_FALSE(h.responses.live("sync"));
  REQUIRE(h.as(h.alice, "GET", "/pisync/devices").status == 200);
  REQUIRE(h.as(h.alice, "GET", "/pisync/devices").status == 200);
  CHECK(h.canned.count<syncpb::ListDevicesRequest>() == 3);
  // The other services' entries stay.
  REQUIRE(h.as(h.admin, "GET", "/v1/orders").status == 200);
  CHECK(h.canned.count<repairpb::ListOrdersRequest>() == 1);
  CHECK(
      h.call("GET", "/metrics").body.find("fleetgate_change_feed_current{service=\"sync\"} 0\n") !=
      std::string::npos);

  // Reopened after the backoff; live again with its first message.
  for (int i = 0; i < 200 && h.streams.open_count<Watch>() < 3; ++i) {
    h.hub_ioc.restart();
    h.hub_ioc.run_for(5ms);
  }
  REQUIRE(h.streams.open_count<Watch>() == 3);
  h.streams.of<Watch>().back()->push(change("", 2000));
  REQUIRE(h.as(h.alice, "GET", "/pisync/devices").status == 200);
  REQUIRE(h.as(h.alice, "GET", "/pisync/devices").status == 200);
  CHECK(h.canned.count<syncpb::ListDevicesRequest>() == 4);
}

TEST_CASE("response cache: streetlight lists by the asked city, else by the caller's city") {
  Fixture f;
  auto& h = f.h;
  f.live_all();
  h.canned.on<slpb::ListLightsRequest>([](const slpb::ListLightsRequest& request, const Metadata&) {
    slpb::ListLightsResponse r;
    auto* light = r.add_lights();
    light->set_light_id("SL001");
    light->set_city(request.city());
    return r;
  });
  REQUIRE(h.as(h.alice, "GET", "/api/lights/list?city=Delhi").status == 200);
  REQUIRE(h.as(h.bob, "GET", "/api/lights/list?city=Delhi").status == 200);
  CHECK(h.canned.count<slpb::ListLightsRequest>() == 1);
  REQUIRE(h.as(h.bob, "GET", "/api/lights/list?city=Mumbai").status == 200);
  CHECK(h.canned.count<slpb::ListLightsRequest>() == 2);
  // Without a city, the caller's own (none here) decides, not the path alone.
  REQUIRE(h.as(h.alice, "GET", "/api/lights/list").status == 200);
  REQUIRE(h.as(h.bob, "GET", "/api/lights/list").status == 200);
  CHECK(h.canned.count<slpb::ListLightsRequest>() == 3);
  // A control through the gateway: its version makes the next list fresh.
  slpb::ControlLightResponse controlled;
  controlled.mutable_light()->set_light_id("SL001");
  h.canned.reply<slpb::ControlLightRequest>(controlled, {{"x-change-version", "lights=1010"}});
  REQUIRE(
      h.as(h.op, "POST", "/api/lights/control", R"({"lightId":"SL001","action":"on"})").status ==
      200);
  REQUIRE(h.as(h.alice, "GET", "/api/lights/list?city=Delhi").status == 200);
  CHECK(h.canned.count<slpb::ListLightsRequest>() == 4);
}

}  // namespace fleet::gateway::testing
