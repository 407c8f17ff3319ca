#include "fanout_load/analysis.h"

#include <catch2/catch.hpp>

using namespace fleet::bench;

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1'000 * kMs;

// `n` sockets connected at 0 that each get ticks 10, 9, ... at second 1, 2, ... with socket i
// delayed by i ms.
struct Run {
  std::vector<Arrival> arrivals;
  std::vector<SocketTimeline> sockets;
  Window window{1 * kS - 100 * kMs, 6 * kS - 100 * kMs, 7 * kS};

  explicit Run(std::uint32_t n, int ticks = 7) {
    for (std::uint32_t s = 0; s < n; ++s) {
      sockets.push_back({0, 1 * kMs, 2 * kMs, -1});
      for (int k = 0; k < ticks; ++k) add(s, 10 - k, (k + 1) * kS + s * kMs);
    }
  }
  void add(std::uint32_t s, int value, std::int64_t at) { arrivals.push_back({s, value, at}); }
  void remove(std::uint32_t s, int value) {
    std::erase_if(arrivals,
                  [&](const Arrival& a) { return a.socket == s && a.time_left == value; });
  }
};

}  // namespace

TEST_CASE("percentiles are nearest-rank") {
  std::vector<double> v{5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
  auto p = percentiles(v);
  CHECK(p.count == 10);
  CHECK(p.p50 == 5);
  CHECK(p.p95 == 10);
  CHECK(p.max == 10);
  std::vector<double> none;
  CHECK(percentiles(none).count == 0);
}

TEST_CASE("a clean run: every tick on every socket, spread from the first arrival") {
  Run run(100);
  auto a = analyze(run.arrivals, run.sockets, run.window);
  CHECK(a.connected == 100);
  CHECK(a.held == 100);
  CHECK(a.ticks.size() == 5);  // first arrivals at 1..5 s are inside [0.9, 5.9]
  CHECK(a.clean());
  CHECK(a.repeats == 0);
  CHECK(a.spread_ms.p50 == Approx(49));
  CHECK(a.spread_ms.p95 == Approx(94));
  CHECK(a.spread_ms.max == Approx(99));
  CHECK(a.first_message_ms.p50 == Approx(1));
  CHECK(a.window_messages == 500);
  CHECK(a.messages_per_second == Approx(100));
}

TEST_CASE("a socket that misses a tick is counted once") {
  Run run(10);
  run.remove(3, 8);
  auto a = analyze(run.arrivals, run.sockets, run.window);
  CHECK(a.missed_ticks == 1);
  CHECK(a.stale_messages == 0);
  CHECK_FALSE(a.clean());
}

TEST_CASE("an old value after most sockets moved on is stale") {
  Run run(10);
  // Socket 4 gets 8 only at 4.5 s, when most sockets have had 7 since 4 s.
  run.remove(4, 8);
  run.add(4, 8, 4 * kS + 500 * kMs);
  auto a = analyze(run.arrivals, run.sockets, run.window);
  CHECK(a.stale_messages == 1);
  CHECK(a.missed_ticks == 0);
}

TEST_CASE("a late arrival before the next tick is spread, not stale") {
  Run run(10);
  run.remove(4, 8);
  run.add(4, 8, 3 * kS + 700 * kMs);
  auto a = analyze(run.arrivals, run.sockets, run.window);
  CHECK(a.clean());
  CHECK(a.spread_ms.max == Approx(700));
}

TEST_CASE("a value going back up on one socket is stale, the same value again is a repeat") {
  Run run(10);
  run.add(2, 9, 3 * kS + 500 * kMs);  // 9 again after 8
  run.add(5, 7, 4 * kS + 100 * kMs);  // 7 twice in its second
  auto a = analyze(run.arrivals, run.sockets, run.window);
  CHECK(a.stale_messages == 1);
  CHECK(a.repeats == 2);
}

TEST_CASE("a value only a minority of sockets got is reported") {
  Run run(10);
  run.add(1, 42, 2 * kS + 500 * kMs);
  auto a = analyze(run.arrivals, run.sockets, run.window);
  CHECK(a.minority_messages == 1);
  CHECK_FALSE(a.clean());
}

TEST_CASE("sockets lost before the end are not held and their gaps are not missed ticks") {
  Run run(10);
  run.sockets[7].lost_ns = 2 * kS + 500 * kMs;
  std::erase_if(run.arrivals,
                [](const Arrival& a) { return a.socket == 7 && a.at_ns > 2 * kS + 500 * kMs; });
  run.sockets.push_back({0, -1, -1, -1});  // never connected
  auto a = analyze(run.arrivals, run.sockets, run.window);
  CHECK(a.requested == 11);
  CHECK(a.connected == 10);
  CHECK(a.held == 9);
  CHECK(a.lost == 1);
  CHECK(a.missed_ticks == 0);
  CHECK(a.clean());
}
