// Rate limits (app/rate_limit.*): the RATE_LIMITS format, token buckets on a set clock with
// Retry-After, buckets per client and scope, the bound on buckets, and X-Forwarded-For trusted
// only from configured proxies. gateway_test.cpp checks the dispatcher's 429s.
#include "app/rate_limit.h"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace fleet::gateway;
using namespace std::chrono_literals;

namespace {

http::Request from(std::string address, std::string forwarded = {}) {
  http::Request request;
  request.remote_address = std::move(address);
  if (!forwarded.empty()) request.headers.emplace_back("X-Forwarded-For", std::move(forwarded));
  return request;
}

}  // namespace

TEST_CASE("the default rules are PLATFORM.md's: users-v1 10/s burst 20, docs 30/s burst 20",
          "[rate_limit]") {
  const auto rules = app::parse_rate_limits(app::kDefaultRateLimits);
  auto users = rules.for_route(Surface::kUsersV1, "GET", "/api/v1/users/{user_id}");
  REQUIRE(users);
  CHECK(users->first.per_second == 10);
  CHECK(users->first.burst == 20);
  CHECK(users->second == "users-v1");
  REQUIRE(rules.docs);
  CHECK(rules.docs->per_second == 30);
  for (auto unlimited :
       {Surface::kRental, Surface::kRepair, Surface::kStreetlight, Surface::kPisync}) {
    CHECK_FALSE(rules.for_route(unlimited, "GET", "/device/all"));
  }
}

TEST_CASE("a route's rule wins over its surface's, and off lifts a limit", "[rate_limit]") {
  const auto rules = app::parse_rate_limits(
      "users-v1=10/20; POST /api/v1/auth/login=1/5; GET /api/v1/users/=off; pisync=2.5/3");
  auto login = rules.for_route(Surface::kUsersV1, "POST", "/api/v1/auth/login");
  REQUIRE(login);
  CHECK(login->first.per_second == 1);
  CHECK(login->second == "POST /api/v1/auth/login");
  CHECK_FALSE(rules.for_route(Surface::kUsersV1, "GET", "/api/v1/users/"));
  CHECK(rules.for_route(Surface::kUsersV1, "GET", "/api/v1/users/{user_id}")->second == "users-v1");
  CHECK(rules.for_route(Surface::kPisync, "GET", "/pisync/devices")->first.per_second == 2.5);
  CHECK_FALSE(app::parse_rate_limits("off").for_route(Surface::kUsersV1, "GET", "/api/v1/x"));
  CHECK_FALSE(app::parse_rate_limits("off").docs);
}

TEST_CASE("a malformed RATE_LIMITS is a configuration error", "[rate_limit]") {
  for (const auto* bad : {"users-v1", "users-v1=10", "users-v1=0/20", "users-v1=10/0.5",
                          "users-v1=ten/20", "shop=1/1", "users-v1=10/20/30", "GET=1/1"}) {
    INFO(bad);
    CHECK_THROWS_AS(app::parse_rate_limits(bad), std::invalid_argument);
  }
}

TEST_CASE("a burst passes, the next request waits, and the bucket refills", "[rate_limit]") {
  fleet::ManualClock clock;
  app::RateLimiter limiter({}, {}, 1000, clock);
  const app::Rate rate{10, 20};
  const auto client = from("10.0.0.1");
  for (int i = 0; i < 20; ++i) CHECK_FALSE(limiter.take(client, "users-v1", rate));
  auto wait = limiter.take(client, "users-v1", rate);
  REQUIRE(wait);
  CHECK(*wait == 1s);  // 0.1 s rounded up to whole seconds
  clock.advance(100ms);
  CHECK_FALSE(limiter.take(client, "users-v1", rate));
  CHECK(limiter.take(client, "users-v1", rate));
  clock.advance(10s);  // refills to the burst, not beyond
  for (int i = 0; i < 20; ++i) CHECK_FALSE(limiter.take(client, "users-v1", rate));
  CHECK(limiter.take(client, "users-v1", rate));
  // Slow refills give a longer Retry-After.
  CHECK(limiter.take(client, "slow", app::Rate{0.25, 1}) == std::nullopt);
  CHECK(limiter.take(client, "slow", app::Rate{0.25, 1}) == 4s);
}

TEST_CASE("buckets are per client and per scope", "[rate_limit]") {
  fleet::ManualClock clock;
  app::RateLimiter limiter({}, {}, 1000, clock);
  const app::Rate one{1, 1};
  CHECK_FALSE(limiter.take(from("10.0.0.1"), "users-v1", one));
  CHECK(limiter.take(from("10.0.0.1"), "users-v1", one));
  CHECK_FALSE(limiter.take(from("10.0.0.2"), "users-v1", one));
  CHECK_FALSE(limiter.take(from("10.0.0.1"), "docs", one));
  clock.advance(-5s);  // a clock set back refills nothing and breaks nothing
  CHECK(limiter.take(from("10.0.0.1"), "users-v1", one));
}

TEST_CASE("buckets are bounded: the least recently used go first", "[rate_limit]") {
  fleet::ManualClock clock;
  app::RateLimiter limiter({}, {}, 16, clock);  // one bucket per shard
  const app::Rate one{0.001, 1};
  CHECK_FALSE(limiter.take(from("10.0.0.1"), "s", one));
  CHECK(limiter.take(from("10.0.0.1"), "s", one));
  // Enough other clients evict every shard's bucket, so the first one starts full again.
  for (int i = 0; i < 2000; ++i) limiter.take(from("10.1." + std::to_string(i)), "s", one);
  CHECK_FALSE(limiter.take(from("10.0.0.1"), "s", one));
}

TEST_CASE("X-Forwarded-For is believed only from a trusted proxy", "[rate_limit]") {
  const std::vector<std::string> proxies{"10.0.0.100", "10.0.0.101"};
  CHECK(app::client_address(from("203.0.113.9", "1.2.3.4"), proxies) == "203.0.113.9");
  CHECK(app::client_address(from("10.0.0.100", "1.2.3.4"), proxies) == "1.2.3.4");
  // The client cannot choose its address by sending its own header through the proxies.
  CHECK(app::client_address(from("10.0.0.100", "6.6.6.6, 1.2.3.4, 10.0.0.101"), proxies) ==
        "1.2.3.4");
  CHECK(app::client_address(from("10.0.0.100"), proxies) == "10.0.0.100");
  CHECK(app::client_address(from("10.0.0.100", "10.0.0.101"), proxies) == "10.0.0.101");
}
