// The socket registry (realtime/socket_registry.*): sockets close with 1008 at their token's exp
// (a set clock) and when their account goes, with 1001 at shutdown; bounded; a closed socket is
// forgotten.
#include "realtime/socket_registry.h"

#include <catch2/catch.hpp>

#include "app/metrics.h"
#include "support/fake_socket.h"

using fleet::ManualClock;
using fleet::gateway::app::Metrics;
using fleet::gateway::realtime::SocketRegistry;
using fleet::gateway::testing::FakeSocket;
using fleet::gateway::ws::CloseCode;
using namespace std::chrono_literals;

TEST_CASE("socket registry: a socket closes at its token's exp, not before") {
  ManualClock clock;
  Metrics metrics;
  SocketRegistry registry(clock, metrics);
  auto soon = std::make_shared<FakeSocket>();
  auto later = std::make_shared<FakeSocket>();
  REQUIRE(registry.add(3, clock.now() + 10s, soon));
  REQUIRE(registry.add(3, clock.now() + 1h, later));
  CHECK(registry.sweep() == 0);
  clock.advance(9s);
  CHECK(registry.sweep() == 0);
  CHECK_FALSE(soon->closed());
  clock.advance(1s);  // exactly exp
  CHECK(registry.sweep() == 1);
  CHECK(soon->closed());
  CHECK(soon->close_code() == CloseCode::kPolicyViolation);
  CHECK_FALSE(later->closed());
  CHECK(registry.size() == 1);
  CHECK(metrics.sockets_revoked(true) == 1);
  // An expired token is refused at once.
  CHECK_FALSE(registry.add(4, clock.now(), std::make_shared<FakeSocket>()));
}

TEST_CASE("socket registry: an account's sockets close together, others stay") {
  ManualClock clock;
  Metrics metrics;
  SocketRegistry registry(clock, metrics, {.shards = 4});
  auto a1 = std::make_shared<FakeSocket>();
  auto a2 = std::make_shared<FakeSocket>();
  auto b = std::make_shared<FakeSocket>();
  REQUIRE(registry.add(3, clock.now() + 1h, a1));
  REQUIRE(registry.add(3, clock.now() + 1h, a2));
  REQUIRE(registry.add(7, clock.now() + 1h, b));  // same shard as 3 with 4 shards
  CHECK(registry.close_account(3) == 2);
  CHECK(a1->closed());
  CHECK(a2->closed());
  CHECK(a1->close_code() == CloseCode::kPolicyViolation);
  CHECK_FALSE(b->closed());
  CHECK(registry.close_account(3) == 0);
  CHECK(registry.size() == 1);
  CHECK(metrics.sockets_revoked(false) == 2);
}

TEST_CASE("socket registry: bounded, and a socket that closed is forgotten") {
  ManualClock clock;
  Metrics metrics;
  SocketRegistry registry(clock, metrics, {.max_sockets = 2});
  auto one = std::make_shared<FakeSocket>();
  auto ticket = registry.add(1, clock.now() + 1h, one);
  REQUIRE(ticket);
  REQUIRE(registry.add(2, clock.now() + 1h, std::make_shared<FakeSocket>()));
  CHECK_FALSE(registry.add(3, clock.now() + 1h, std::make_shared<FakeSocket>()));
  registry.remove(1, *ticket);
  registry.remove(1, *ticket);  // idempotent
  CHECK(registry.size() == 1);
  CHECK(registry.add(3, clock.now() + 1h, std::make_shared<FakeSocket>()));
  clock.advance(2h);
  // The two left are gone already (their pointers expired): forgotten without a close.
  CHECK(registry.sweep() == 0);
  CHECK_FALSE(one->closed());
  CHECK(registry.size() == 0);
}

TEST_CASE("socket registry: at shutdown every socket closes with 1001 and no new one registers") {
  ManualClock clock;
  Metrics metrics;
  SocketRegistry registry(clock, metrics, {.shards = 4});
  auto a = std::make_shared<FakeSocket>();
  auto b = std::make_shared<FakeSocket>();
  REQUIRE(registry.add(3, clock.now() + 1h, a));
  REQUIRE(registry.add(8, clock.now() + 2h, b));
  CHECK(registry.close_for_shutdown() == 2);
  CHECK(a->close_code() == CloseCode::kGoingAway);
  CHECK(b->close_code() == CloseCode::kGoingAway);
  CHECK(registry.size() == 0);
  CHECK_FALSE(registry.add(3, clock.now() + 1h, std::make_shared<FakeSocket>()));
  CHECK(registry.size() == 0);
  CHECK(metrics.sockets_revoked(false) == 0);  // a shutdown is not a revocation
}
