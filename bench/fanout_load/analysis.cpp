#include "fanout_load/analysis.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>

namespace fleet::bench {

namespace {

constexpr double kNsPerMs = 1e6;

struct Tick {
  std::int32_t time_left = 0;
  std::int64_t first_ns = 0;
  std::int64_t median_ns = 0;
  std::size_t receivers_held = 0;
  std::vector<std::int64_t> firsts;  // per socket, held or not
  std::vector<bool> firsts_held;
  bool majority = false;
  std::size_t rank = 0;  // order of first arrival
};

bool held_at(const SocketTimeline& s, std::int64_t stop_ns) {
  return s.connected_ns >= 0 && (s.lost_ns < 0 || s.lost_ns > stop_ns);
}

}  // namespace

Percentiles percentiles(std::vector<double>& values) {
  Percentiles out;
  out.count = values.size();
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  auto rank = [&](double p) {
    auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[index == 0 ? 0 : index - 1];
  };
  out.p50 = rank(0.50);
  out.p95 = rank(0.95);
  out.p99 = rank(0.99);
  out.max = values.back();
  return out;
}

Analysis analyze(const std::vector<Arrival>& arrivals, const std::vector<SocketTimeline>& sockets,
                 const Window& window) {
  Analysis out;
  out.requested = sockets.size();

  std::vector<double> connect_ms, first_ms;
  std::int64_t first_launch = -1, last_connect = -1;
  for (const auto& s : sockets) {
    if (s.launched_ns >= 0 && (first_launch < 0 || s.launched_ns < first_launch)) {
      first_launch = s.launched_ns;
    }
    if (s.connected_ns < 0) continue;
    ++out.connected;
    last_connect = std::max(last_connect, s.connected_ns);
    if (s.launched_ns >= 0) connect_ms.push_back((s.connected_ns - s.launched_ns) / kNsPerMs);
    if (s.first_message_ns >= 0) {
      first_ms.push_back((s.first_message_ns - s.connected_ns) / kNsPerMs);
    } else {
      ++out.without_first_message;
    }
    if (held_at(s, window.stop_ns)) {
      ++out.held;
    } else {
      ++out.lost;
    }
  }
  if (first_launch >= 0 && last_connect >= 0) {
    out.connect_seconds = (last_connect - first_launch) / 1e9;
  }
  out.connect_ms = percentiles(connect_ms);
  out.first_message_ms = percentiles(first_ms);

  // Group arrivals by value; within a value, each socket's first arrival counts, later ones are
  // repeats.
  std::vector<const Arrival*> sorted;
  sorted.reserve(arrivals.size());
  for (const auto& a : arrivals) {
    if (a.at_ns <= window.stop_ns) sorted.push_back(&a);
    if (a.at_ns >= window.start_ns && a.at_ns <= window.end_ns) ++out.window_messages;
  }
  std::sort(sorted.begin(), sorted.end(), [](const Arrival* a, const Arrival* b) {
    if (a->time_left != b->time_left) return a->time_left < b->time_left;
    if (a->socket != b->socket) return a->socket < b->socket;
    return a->at_ns < b->at_ns;
  });
  std::map<std::int32_t, Tick> ticks;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const Arrival& a = *sorted[i];
    bool repeat =
        i > 0 && sorted[i - 1]->time_left == a.time_left && sorted[i - 1]->socket == a.socket;
    if (repeat) {
      if (a.at_ns >= window.start_ns) ++out.repeats;
      continue;
    }
    Tick& t = ticks[a.time_left];
    if (t.firsts.empty()) {
      t.time_left = a.time_left;
      t.first_ns = a.at_ns;
    }
    t.first_ns = std::min(t.first_ns, a.at_ns);
    bool held = a.socket < sockets.size() && held_at(sockets[a.socket], window.stop_ns);
    t.firsts.push_back(a.at_ns);
    t.firsts_held.push_back(held);
    if (held) ++t.receivers_held;
  }

  std::vector<Tick*> by_first;
  for (auto& [value, t] : ticks) {
    std::vector<std::int64_t> copy = t.firsts;
    std::nth_element(copy.begin(), copy.begin() + copy.size() / 2, copy.end());
    t.median_ns = copy[copy.size() / 2];
    t.majority = out.held > 0 && 2 * t.receivers_held >= out.held;
    by_first.push_back(&t);
  }
  std::sort(by_first.begin(), by_first.end(),
            [](const Tick* a, const Tick* b) { return a->first_ns < b->first_ns; });
  for (std::size_t i = 0; i < by_first.size(); ++i) by_first[i]->rank = i;

  // For stale checks: majority ticks by median arrival, with the newest rank reached so far.
  std::vector<std::pair<std::int64_t, std::size_t>> medians;
  for (const Tick* t : by_first) {
    if (t->majority) medians.emplace_back(t->median_ns, t->rank);
  }
  std::sort(medians.begin(), medians.end());
  for (std::size_t i = 1; i < medians.size(); ++i) {
    medians[i].second = std::max(medians[i].second, medians[i - 1].second);
  }
  auto newest_majority_rank_at = [&](std::int64_t at_ns) -> long long {
    auto it = std::upper_bound(medians.begin(), medians.end(),
                               std::make_pair(at_ns, std::numeric_limits<std::size_t>::max()));
    if (it == medians.begin()) return -1;
    return static_cast<long long>(std::prev(it)->second);
  };
  for (const Arrival* a : sorted) {
    if (a->at_ns < window.start_ns) continue;
    const Tick& t = ticks[a->time_left];
    if (static_cast<long long>(t.rank) < newest_majority_rank_at(a->at_ns)) ++out.stale_messages;
  }

  std::vector<double> pooled;
  for (const Tick* t : by_first) {
    bool in_window = t->first_ns >= window.start_ns && t->first_ns <= window.end_ns;
    if (!in_window) continue;
    if (!t->majority) {
      out.minority_messages += t->firsts.size();
      continue;
    }
    std::vector<double> spread;
    spread.reserve(t->firsts.size());
    for (std::size_t i = 0; i < t->firsts.size(); ++i) {
      if (!t->firsts_held[i]) continue;
      double ms = (t->firsts[i] - t->first_ns) / kNsPerMs;
      spread.push_back(ms);
      pooled.push_back(ms);
    }
    out.missed_ticks += out.held - t->receivers_held;
    TickStats stats;
    stats.time_left = t->time_left;
    stats.receivers = t->receivers_held;
    stats.first_ms = (t->first_ns - window.start_ns) / kNsPerMs;
    stats.spread_ms = percentiles(spread);
    out.worst_tick_p95_ms = std::max(out.worst_tick_p95_ms, stats.spread_ms.p95);
    out.worst_tick_p99_ms = std::max(out.worst_tick_p99_ms, stats.spread_ms.p99);
    out.ticks.push_back(stats);
  }
  out.spread_ms = percentiles(pooled);
  out.window_seconds = (window.end_ns - window.start_ns) / 1e9;
  if (out.window_seconds > 0) out.messages_per_second = out.window_messages / out.window_seconds;
  return out;
}

}  // namespace fleet::bench
