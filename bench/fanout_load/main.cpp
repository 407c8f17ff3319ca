// fleetgate-fanout-load: opens N countdown WebSockets from one process, holds them for a window
// and reports sockets held, each tick's arrival spread across sockets, stale or missed ticks,
// messages per second and (with --server-pid) the server's memory per socket.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "common/args.h"
#include "common/sys.h"
#include "fanout_load/analysis.h"
#include "fanout_load/client.h"
#include "fanout_load/report.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace bench = fleet::bench;

fleet::bench::Args declare() {
  bench::Args args("fleetgate-fanout-load",
                   "Opens N WebSocket connections to a countdown socket and measures the fan-out.");
  args.option("host", "127.0.0.1", "server host")
      .option("port", "8000", "server port; several comma-separated: socket i goes to the "
              "(i mod n)-th (e.g. two gateways, half the sockets on each)")
      .option("device", "1", "device id expected in the messages")
      .option("path", "", "socket path [/device/ws/timeleft/<device>]")
      .option("token", "",
              "access token (or env BENCH_TOKEN); sent as ?token= unless --auth-header")
      .flag("auth-header", "send the token as Authorization: Bearer instead of ?token=")
      .option("sockets", "1000", "connections to open")
      .option("connect-rate", "1000", "new connections per second")
      .option("max-pending", "512", "connections in progress at most")
      .option("connect-timeout", "15", "seconds for TCP connect plus WebSocket handshake")
      .option("settle", "2", "seconds to wait after the last connect before measuring")
      .option("duration", "30", "seconds of measurement while holding every socket")
      .option("grace", "2", "seconds after the window in which late ticks still count")
      .option("threads", "1", "io threads")
      .option("source-addrs", "auto",
              "source addresses 127.0.0.1..N for loopback targets (auto: enough for the ports)")
      .option("server-pid", "0", "server process to read RSS and CPU from (/proc/PID)")
      .option("label", "", "name of the run in the report")
      .option("json", "", "write the JSON report to this path");
  return args;
}

int source_addresses_for(const std::string& setting, std::size_t sockets) {
  if (setting != "auto") return std::max(1, std::atoi(setting.c_str()));
  auto [low, high] = bench::ephemeral_port_range();
  // Keep a fifth of the range free for everything else on the machine.
  double usable = 0.8 * (high - low + 1);
  return std::max(1, static_cast<int>(std::ceil(static_cast<double>(sockets) / usable)));
}

std::int64_t since(Clock::time_point epoch) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - epoch).count();
}

}  // namespace

int main(int argc, char** argv) {
  auto args = declare();
  try {
    args.parse(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n\n" << args.usage();
    return 2;
  }
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }

  bench::ClientConfig config;
  bench::RunInfo info;
  std::size_t sockets = 0;
  double rate = 0, settle = 0, duration = 0, grace = 0;
  std::size_t max_pending = 0;
  try {
    config.host = args.str("host");
    config.port = args.str("port");
    config.device = static_cast<int>(args.integer("device"));
    config.target = args.str("path").empty()
                        ? "/device/ws/timeleft/" + std::to_string(config.device)
                        : args.str("path");
    config.token = args.str("token");
    if (config.token.empty()) {
      if (const char* env = std::getenv("BENCH_TOKEN")) config.token = env;
    }
    config.token_in_header = args.on("auth-header");
    if (!config.token.empty() && !config.token_in_header) {
      config.target +=
          (config.target.find('?') == std::string::npos ? "?token=" : "&token=") + config.token;
    }
    config.threads = static_cast<int>(args.integer("threads"));
    config.connect_timeout =
        std::chrono::milliseconds(static_cast<long long>(args.number("connect-timeout") * 1000));
    sockets = static_cast<std::size_t>(args.integer("sockets"));
    rate = args.number("connect-rate");
    max_pending = static_cast<std::size_t>(args.integer("max-pending"));
    settle = args.number("settle");
    duration = args.number("duration");
    grace = args.number("grace");
    info.server.pid = static_cast<int>(args.integer("server-pid"));
    config.source_addresses = source_addresses_for(args.str("source-addrs"), sockets);
    if (sockets == 0 || rate <= 0 || duration <= 0 || max_pending == 0 || config.threads < 1) {
      throw std::invalid_argument(
          "--sockets, --connect-rate, --duration, --max-pending and "
          "--threads must be positive");
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }

  info.nofile_limit = bench::raise_nofile_limit();
  if (info.nofile_limit < sockets + 64) {
    std::cerr << "warning: open-file limit " << info.nofile_limit << " is below " << sockets
              << " sockets; connects will fail with 'Too many open files'\n";
  }

  const auto epoch = Clock::now();
  std::unique_ptr<bench::LoadClient> client;
  try {
    client = std::make_unique<bench::LoadClient>(config, sockets, epoch);
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  info.label = args.str("label");
  info.url = client->url();
  if (!config.token.empty() && !config.token_in_header) {
    info.url = info.url.substr(0, info.url.find("token=")) + "token=<redacted>";
  }
  info.device = config.device;
  info.threads = config.threads;
  info.source_addresses = client->target_is_loopback_v4() ? config.source_addresses : 1;
  info.connect_rate = rate;
  const int pid = info.server.pid;
  if (pid > 0) {
    info.server.rss_before_kib = bench::proc_status_kib(pid);
    if (!info.server.rss_before_kib) std::cerr << "warning: no /proc/" << pid << "/status\n";
  }

  // Connect phase: paced at --connect-rate, never more than --max-pending in progress.
  std::cerr << "connecting " << sockets << " sockets to " << info.url << " at " << rate << "/s\n";
  const auto launch_start = Clock::now();
  auto next_progress = launch_start + 2s;
  std::size_t launched = 0;
  auto progress = [&] {
    if (Clock::now() < next_progress) return;
    next_progress += 2s;
    std::cerr << "  launched " << launched << ", connected " << client->connected() << ", failed "
              << client->failed() << "\n";
  };
  while (launched < sockets) {
    double elapsed = std::chrono::duration<double>(Clock::now() - launch_start).count();
    auto due = std::min(sockets, static_cast<std::size_t>(elapsed * rate) + 1);
    while (launched < due && launched - client->connected() - client->failed() < max_pending) {
      client->launch(launched++);
    }
    progress();
    std::this_thread::sleep_for(1ms);
  }
  const auto connect_deadline = Clock::now() + config.connect_timeout + 2s;
  while (client->connected() + client->failed() < sockets && Clock::now() < connect_deadline) {
    progress();
    std::this_thread::sleep_for(10ms);
  }
  std::cerr << "  connected " << client->connected() << ", failed " << client->failed()
            << "; measuring for " << duration << " s\n";

  // Measurement window, sampling the server once a second.
  std::this_thread::sleep_until(Clock::now() + std::chrono::milliseconds(long(settle * 1000)));
  bench::Window window;
  window.start_ns = since(epoch);
  const auto window_start = Clock::now();
  const auto cpu_before = pid > 0 ? bench::proc_cpu_seconds(pid) : std::nullopt;
  const double client_cpu_before = bench::self_cpu_seconds();
  const auto machine_before = bench::machine_busy_cpu_seconds();
  const auto window_end = window_start + std::chrono::milliseconds(long(duration * 1000));
  for (auto next = window_start; next < window_end;) {
    next = std::min(next + 1s, window_end);
    std::this_thread::sleep_until(next);
    if (pid <= 0) continue;
    if (auto rss = bench::proc_status_kib(pid)) {
      info.server.rss_holding_kib = rss;
      info.server.rss_holding_max_kib = std::max(info.server.rss_holding_max_kib.value_or(0), *rss);
    }
  }
  window.end_ns = since(epoch);
  info.client_cpu_seconds_in_window = bench::self_cpu_seconds() - client_cpu_before;
  if (auto machine_after = bench::machine_busy_cpu_seconds(); machine_before && machine_after) {
    info.machine_busy_cpu_seconds_in_window = *machine_after - *machine_before;
  }
  info.cores = std::thread::hardware_concurrency();
  if (pid > 0) {
    auto cpu_after = bench::proc_cpu_seconds(pid);
    if (cpu_before && cpu_after) info.server.cpu_seconds_in_window = *cpu_after - *cpu_before;
  }
  std::this_thread::sleep_until(window_end + std::chrono::milliseconds(long(grace * 1000)));
  window.stop_ns = since(epoch);

  client->shutdown(10s);
  info.errors = client->errors();
  info.wrong_device = client->wrong_device();
  info.bad_shape = client->bad_shape();
  auto analysis = bench::analyze(client->arrivals(), client->timelines(), window);

  bench::print_summary(std::cout, info, analysis);
  if (const auto path = args.str("json"); !path.empty()) {
    std::ofstream out(path);
    out << bench::json_report(info, analysis) << "\n";
    if (!out) {
      std::cerr << "cannot write " << path << "\n";
      return 1;
    }
  }
  return 0;
}
