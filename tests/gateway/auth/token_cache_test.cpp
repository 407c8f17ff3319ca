// The verified-token cache: hits until exp, bounded, and a key change forgets everything.
#include "auth/token_cache.h"

#include <catch2/catch.hpp>
#include <string>

using fleet::ManualClock;
using fleet::gateway::auth::TokenCache;
using namespace std::chrono_literals;

namespace {

fleet::token::Claims claims_until(fleet::Clock::time_point exp, std::int64_t user_id = 7) {
  fleet::token::Claims claims;
  claims.user_id = user_id;
  claims.role = "user";
  claims.expires_at = exp;
  return claims;
}

}  // namespace

TEST_CASE("token cache: a verified token is served until its exp, never at or past it") {
  ManualClock clock;
  TokenCache cache(clock);
  const auto exp = clock.now() + 60s;
  cache.put("tok", claims_until(exp), cache.generation());
  auto hit = cache.find("tok");
  REQUIRE(hit.has_value());
  CHECK(hit->user_id == 7);
  CHECK_FALSE(cache.find("other").has_value());

  clock.advance(59s);
  CHECK(cache.find("tok").has_value());
  clock.advance(1s);  // now == exp
  CHECK_FALSE(cache.find("tok").has_value());
  CHECK(cache.size() == 0);  // dropped, not kept

  cache.put("late", claims_until(clock.now()), cache.generation());  // already expired
  CHECK(cache.size() == 0);
}

TEST_CASE("token cache: the bound is respected, least recently used first out") {
  ManualClock clock;
  TokenCache cache(clock, {.capacity = 4, .shards = 1});
  const auto exp = clock.now() + 1h;
  for (int i = 0; i < 4; ++i)
    cache.put("t" + std::to_string(i), claims_until(exp, i), cache.generation());
  CHECK(cache.find("t0").has_value());  // t1 is now the oldest
  cache.put("t4", claims_until(exp, 4), cache.generation());
  CHECK(cache.size() == 4);
  CHECK_FALSE(cache.find("t1").has_value());
  CHECK(cache.find("t0").has_value());
  CHECK(cache.find("t4").has_value());

  TokenCache sharded(clock, {.capacity = 64, .shards = 8});
  for (int i = 0; i < 1000; ++i)
    sharded.put(std::to_string(i), claims_until(exp), sharded.generation());
  CHECK(sharded.size() <= 64);
}

TEST_CASE("token cache: a key change clears it and refuses what was verified under the old key") {
  ManualClock clock;
  TokenCache cache(clock);
  const auto exp = clock.now() + 1h;
  const auto before = cache.generation();
  cache.put("old", claims_until(exp), before);
  cache.clear();
  CHECK_FALSE(cache.find("old").has_value());
  CHECK(cache.generation() != before);
  // A verification that started before the rotation finishes after it: not kept.
  cache.put("raced", claims_until(exp), before);
  CHECK_FALSE(cache.find("raced").has_value());
  cache.put("new", claims_until(exp), cache.generation());
  CHECK(cache.find("new").has_value());
}
