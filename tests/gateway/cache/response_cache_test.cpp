// The response cache on its own (cache/response_cache.*): served while its feed is live and its
// topic unchanged; a version (from the feed or a write's trailer) or a loss makes it stale; a
// reply that raced a change is not stored; entries and bytes are bounded.
#include "cache/response_cache.h"

#include <catch2/catch.hpp>

namespace fleet::gateway::cache {
namespace {

constexpr std::string_view kServices[] = {"repair-shop", "sync"};

http::Response ok(std::string body) {
  http::Response response;
  response.body = std::move(body);
  response.set_header("Content-Type", "application/json");
  return response;
}

// A miss that stores its reply at once.
void fill(ResponseCache& cache, std::string key, std::string body,
          std::string_view topic = "orders") {
  auto ticket = cache.ticket("repair-shop", topic);
  REQUIRE(ticket);
  cache.store(*ticket, std::move(key), ok(std::move(body)));
}

}  // namespace

TEST_CASE("response cache: nothing before the feed is live, then hits until the topic moves") {
  ResponseCache cache(kServices, {});
  CHECK_FALSE(cache.ticket("repair-shop", "orders"));
  CHECK_FALSE(cache.find("repair-shop", "orders", "k"));

  cache.on_live("repair-shop", 100);
  fill(cache, "k", "[1]");
  auto hit = cache.find("repair-shop", "orders", "k");
  REQUIRE(hit);
  CHECK(hit->body == "[1]");
  CHECK(hit->header("Content-Type") == "application/json");
  // Another topic's change or another service's leaves it alone.
  cache.on_change("repair-shop", "payments", 101);
  cache.on_change("sync", "devices", 500);
  CHECK(cache.find("repair-shop", "orders", "k"));
  // Its own topic's change, from the feed:
  cache.on_change("repair-shop", "orders", 102);
  CHECK_FALSE(cache.find("repair-shop", "orders", "k"));
  CHECK(cache.size() == 0);
  // An older or equal version changes nothing.
  fill(cache, "k", "[2]");
  cache.on_change("repair-shop", "orders", 102);
  cache.on_change("repair-shop", "orders", 90);
  CHECK(cache.find("repair-shop", "orders", "k")->body == "[2]");
}

TEST_CASE("response cache: a write's trailer invalidates before the feed tells") {
  ResponseCache cache(kServices, {});
  cache.on_live("repair-shop", 100);
  fill(cache, "k", "[1]");
  cache.apply("repair-shop", "orders=105");
  CHECK_FALSE(cache.find("repair-shop", "orders", "k"));
  // The feed's own event for that write comes later: what was stored since stays.
  fill(cache, "k", "[2]");
  cache.on_change("repair-shop", "orders", 105);
  CHECK(cache.find("repair-shop", "orders", "k")->body == "[2]");
  // Malformed trailers are ignored.
  cache.apply("repair-shop", "orders");
  cache.apply("repair-shop", "orders=x");
  CHECK(cache.find("repair-shop", "orders", "k"));
}

TEST_CASE("response cache: a lost feed drops its service's entries until it is back") {
  ResponseCache cache(kServices, {});
  cache.on_live("repair-shop", 100);
  cache.on_live("sync", 7);
  fill(cache, "k", "[1]");
  auto sync_ticket = cache.ticket("sync", "devices");
  cache.store(*sync_ticket, "d", ok("{}"));
  cache.on_lost("repair-shop");
  CHECK_FALSE(cache.live("repair-shop"));
  CHECK_FALSE(cache.find("repair-shop", "orders", "k"));
  CHECK_FALSE(cache.ticket("repair-shop", "orders"));
  CHECK(cache.size() == 1);
  CHECK(cache.find("sync", "devices", "d"));
  // Back, even at the same version: what it missed while down is unknown, so start empty.
  cache.on_live("repair-shop", 100);
  CHECK_FALSE(cache.find("repair-shop", "orders", "k"));
  fill(cache, "k", "[3]");
  CHECK(cache.find("repair-shop", "orders", "k"));
}

TEST_CASE("response cache: a reply that raced a change or a loss is not stored") {
  ResponseCache cache(kServices, {});
  cache.on_live("repair-shop", 100);
  auto ticket = cache.ticket("repair-shop", "orders");
  cache.on_change("repair-shop", "orders", 101);
  cache.store(*ticket, "k", ok("[old]"));
  CHECK_FALSE(cache.find("repair-shop", "orders", "k"));

  ticket = cache.ticket("repair-shop", "orders");
  cache.on_lost("repair-shop");
  cache.on_live("repair-shop", 101);  // same version, new generation
  cache.store(*ticket, "k", ok("[old]"));
  CHECK_FALSE(cache.find("repair-shop", "orders", "k"));
  CHECK(cache.size() == 0);

  // A change of another topic does not spoil it.
  ticket = cache.ticket("repair-shop", "orders");
  cache.on_change("repair-shop", "catalog", 102);
  cache.store(*ticket, "k", ok("[new]"));
  CHECK(cache.find("repair-shop", "orders", "k")->body == "[new]");
}

TEST_CASE("response cache: bounded by entries and bytes, least recently used out first") {
  ResponseCache cache(kServices, {.max_entries = 3, .max_bytes = 1 << 20, .shards = 1});
  cache.on_live("repair-shop", 1);
  fill(cache, "a", "1");
  fill(cache, "b", "2");
  fill(cache, "c", "3");
  CHECK(cache.find("repair-shop", "orders", "a"));  // a is now the most recent
  fill(cache, "d", "4");
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.find("repair-shop", "orders", "b"));
  CHECK(cache.find("repair-shop", "orders", "a"));

  ResponseCache small(kServices, {.max_entries = 100, .max_bytes = 200, .shards = 1});
  small.on_live("repair-shop", 1);
  auto ticket = small.ticket("repair-shop", "orders");
  small.store(*ticket, "big", ok(std::string(500, 'x')));  // larger than the whole cache
  CHECK(small.size() == 0);
  for (int i = 0; i < 10; ++i)
    small.store(*ticket, "k" + std::to_string(i), ok(std::string(50, 'x')));
  CHECK(small.bytes() <= 200);
  CHECK(small.size() < 10);
  CHECK(small.find("repair-shop", "orders", "k9"));

  ResponseCache off(kServices, {.max_entries = 0});
  off.on_live("repair-shop", 1);
  CHECK_FALSE(off.ticket("repair-shop", "orders"));
}

}  // namespace fleet::gateway::cache
