#include "fanout_load/report.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>

namespace fleet::bench {
namespace json = boost::json;

namespace {

std::string fixed(double v, int digits = 1) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

std::string line(const Percentiles& p, int digits = 1) {
  return "p50 " + fixed(p.p50, digits) + "  p95 " + fixed(p.p95, digits) + "  p99 " +
         fixed(p.p99, digits) + "  max " + fixed(p.max, digits);
}

json::object to_json(const Percentiles& p) {
  return {{"count", p.count}, {"p50", p.p50}, {"p95", p.p95}, {"p99", p.p99}, {"max", p.max}};
}

template <class T>
json::value maybe(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

std::optional<double> kib_per_socket(const RunInfo& info, const Analysis& analysis) {
  const auto& s = info.server;
  if (!s.rss_before_kib || !s.rss_holding_kib || analysis.held == 0) return std::nullopt;
  return (static_cast<double>(*s.rss_holding_kib) - static_cast<double>(*s.rss_before_kib)) /
         static_cast<double>(analysis.held);
}

void print_summary(std::ostream& out, const RunInfo& info, const Analysis& a) {
  out << "fanout-load [" << info.label << "] " << info.url << "  sockets " << a.requested
      << "  io threads " << info.threads << "  source addresses " << info.source_addresses << "\n";
  out << "  connected " << a.connected << "/" << a.requested << " in " << fixed(a.connect_seconds)
      << " s, held to the end " << a.held << ", lost " << a.lost << "\n";
  for (const auto& [text, n] : info.errors) out << "    failure x" << n << ": " << text << "\n";
  out << "  connect ms: " << line(a.connect_ms) << "\n";
  out << "  first message after connect ms: " << line(a.first_message_ms)
      << "  (none: " << a.without_first_message << ")\n";
  out << "  window " << fixed(a.window_seconds) << " s: " << a.ticks.size() << " ticks measured, "
      << a.window_messages << " messages (" << fixed(a.messages_per_second, 0) << "/s)\n";
  out << "  tick spread across sockets ms: " << line(a.spread_ms) << "\n";
  out << "    worst tick: p95 " << fixed(a.worst_tick_p95_ms) << "  p99 "
      << fixed(a.worst_tick_p99_ms) << "\n";
  out << "  stale messages " << a.stale_messages << ", missed ticks " << a.missed_ticks
      << ", minority values " << a.minority_messages << "  (repeats " << a.repeats
      << ", other device " << info.wrong_device << ", bad shape " << info.bad_shape << ") -> "
      << (a.clean() && info.bad_shape == 0 ? "no stale tick" : "STALE OR MISSING TICKS") << "\n";
  const auto& s = info.server;
  if (s.pid > 0) {
    out << "  server pid " << s.pid << " rss KiB: before "
        << (s.rss_before_kib ? std::to_string(*s.rss_before_kib) : "?") << ", holding "
        << (s.rss_holding_kib ? std::to_string(*s.rss_holding_kib) : "?") << " (max "
        << (s.rss_holding_max_kib ? std::to_string(*s.rss_holding_max_kib) : "?") << ")";
    if (auto per = kib_per_socket(info, a)) out << " -> " << fixed(*per, 2) << " KiB per socket";
    out << "\n";
  }
  if (a.window_seconds > 0) {
    auto pct = [&](double seconds) { return fixed(100.0 * seconds / a.window_seconds) + "%"; };
    out << "  cpu in window (100% = one core): client " << pct(info.client_cpu_seconds_in_window);
    if (s.cpu_seconds_in_window) out << ", server " << pct(*s.cpu_seconds_in_window);
    if (info.machine_busy_cpu_seconds_in_window) {
      double others = *info.machine_busy_cpu_seconds_in_window - info.client_cpu_seconds_in_window -
                      s.cpu_seconds_in_window.value_or(0);
      out << ", whole machine " << pct(*info.machine_busy_cpu_seconds_in_window) << " of "
          << info.cores * 100 << "%";
      if (s.cpu_seconds_in_window) out << " (everything else " << pct(std::max(0.0, others)) << ")";
    }
    out << "\n";
  }
}

std::string json_report(const RunInfo& info, const Analysis& a) {
  json::array ticks;
  for (const auto& t : a.ticks) {
    ticks.push_back(json::object{{"time_left", t.time_left},
                                 {"receivers", t.receivers},
                                 {"first_ms", t.first_ms},
                                 {"spread_ms", to_json(t.spread_ms)}});
  }
  json::object errors;
  for (const auto& [text, n] : info.errors) errors[text] = n;
  const auto& s = info.server;
  json::object server{{"pid", s.pid > 0 ? json::value(s.pid) : json::value(nullptr)},
                      {"rss_before_kib", maybe(s.rss_before_kib)},
                      {"rss_holding_kib", maybe(s.rss_holding_kib)},
                      {"rss_holding_max_kib", maybe(s.rss_holding_max_kib)},
                      {"kib_per_socket", maybe(kib_per_socket(info, a))},
                      {"cpu_seconds_in_window", maybe(s.cpu_seconds_in_window)}};
  json::object out{
      {"label", info.label},
      {"url", info.url},
      {"device", info.device},
      {"io_threads", info.threads},
      {"source_addresses", info.source_addresses},
      {"connect_rate", info.connect_rate},
      {"nofile_limit", info.nofile_limit},
      {"sockets_requested", a.requested},
      {"connected", a.connected},
      {"held", a.held},
      {"lost", a.lost},
      {"failures", errors},
      {"connect_seconds", a.connect_seconds},
      {"connect_ms", to_json(a.connect_ms)},
      {"first_message_ms", to_json(a.first_message_ms)},
      {"without_first_message", a.without_first_message},
      {"window_seconds", a.window_seconds},
      {"window_messages", a.window_messages},
      {"messages_per_second", a.messages_per_second},
      {"measured_ticks", a.ticks.size()},
      {"spread_ms", to_json(a.spread_ms)},
      {"worst_tick_p95_ms", a.worst_tick_p95_ms},
      {"worst_tick_p99_ms", a.worst_tick_p99_ms},
      {"stale_messages", a.stale_messages},
      {"missed_ticks", a.missed_ticks},
      {"minority_messages", a.minority_messages},
      {"repeats", a.repeats},
      {"wrong_device", info.wrong_device},
      {"bad_shape", info.bad_shape},
      {"no_stale_tick", a.clean() && info.bad_shape == 0},
      {"client_cpu_seconds_in_window", info.client_cpu_seconds_in_window},
      {"machine_busy_cpu_seconds_in_window", maybe(info.machine_busy_cpu_seconds_in_window)},
      {"cores", info.cores},
      {"server", server},
      {"ticks", ticks}};
  return json::serialize(out);
}

}  // namespace fleet::bench
