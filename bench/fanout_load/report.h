#pragma once
// The fan-out run's human summary and JSON report.
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>

#include "fanout_load/analysis.h"

namespace fleet::bench {

struct ServerSample {
  int pid = 0;
  std::optional<std::uint64_t> rss_before_kib;   // before the first connect
  std::optional<std::uint64_t> rss_holding_kib;  // last reading while holding every socket
  std::optional<std::uint64_t> rss_holding_max_kib;
  std::optional<double> cpu_seconds_in_window;  // server CPU time spent during the window
};

struct RunInfo {
  std::string label;
  std::string url;
  int device = 0;
  int threads = 0;
  int source_addresses = 0;
  double connect_rate = 0;
  double client_cpu_seconds_in_window = 0;
  // Whole machine, all cores: what else ran during the window shows in the spread too.
  std::optional<double> machine_busy_cpu_seconds_in_window;
  unsigned cores = 0;
  std::uint64_t nofile_limit = 0;
  std::size_t wrong_device = 0;
  std::size_t bad_shape = 0;
  std::map<std::string, std::size_t> errors;  // failure text -> sockets
  ServerSample server;
};

// KiB of server RSS per held socket, when both readings exist.
std::optional<double> kib_per_socket(const RunInfo& info, const Analysis& analysis);

void print_summary(std::ostream& out, const RunInfo& info, const Analysis& analysis);
std::string json_report(const RunInfo& info, const Analysis& analysis);

}  // namespace fleet::bench
