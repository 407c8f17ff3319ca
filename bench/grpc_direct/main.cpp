// fleetgate-read-latency: what one read costs, directly at device-session over gRPC and through
// the gateway over HTTP, measured the same way so that the gateway's own overhead can be read
// off (p50 through the gateway minus p50 direct; issue 9 item 5).
//   grpc mode: GetDevice over one channel, first one call at a time (p50/p99 µs), then with
//              --concurrency callers sharing that channel (calls/s).
//   http mode: GET --path over one keep-alive connection, one request at a time (p50/p99 µs),
//              with a Bearer token from $BENCH_TOKEN.
// Each mode prints one line of `key=value` fields (bench/run_grpc_direct.sh reads them).
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/args.h"
#include "device_session/v1/device_session.grpc.pb.h"

namespace {

namespace dspb = ::fleetgate::device_session::v1;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

struct Latency {
  std::size_t calls = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
};

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const auto i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

// Calls `once` back to back: `warmup` seconds unmeasured, then `seconds` measured.
Latency sequential(const std::function<void()>& once, double warmup, double seconds) {
  const auto warm_end = Clock::now() + std::chrono::duration<double>(warmup);
  while (Clock::now() < warm_end) once();
  std::vector<double> samples;
  samples.reserve(200'000);
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  for (auto t0 = Clock::now(); t0 < end;) {
    once();
    const auto t1 = Clock::now();
    samples.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    t0 = t1;
  }
  std::sort(samples.begin(), samples.end());
  return {samples.size(), percentile(samples, 0.5), percentile(samples, 0.9),
          percentile(samples, 0.99), samples.empty() ? 0 : samples.back()};
}

void print(const char* mode, const Latency& l) {
  std::printf("mode=%s calls=%zu p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f\n", mode, l.calls,
              l.p50_us, l.p90_us, l.p99_us, l.max_us);
}

void get_device(dspb::DeviceSessionService::Stub& stub, std::int64_t device_id) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  dspb::GetDeviceRequest request;
  request.set_device_id(device_id);
  dspb::GetDeviceResponse response;
  const auto status = stub.GetDevice(&context, request, &response);
  if (!status.ok()) throw std::runtime_error("GetDevice: " + status.error_message());
}

int run_grpc(const fleet::bench::Args& args) {
  auto channel = grpc::CreateChannel(args.str("target"), grpc::InsecureChannelCredentials());
  auto stub = dspb::DeviceSessionService::NewStub(channel);
  const auto device_id = args.integer("device");
  print("grpc", sequential([&] { get_device(*stub, device_id); }, args.number("warmup"),
                           args.number("duration")));

  const auto callers = static_cast<int>(args.integer("concurrency"));
  if (callers <= 0) return 0;
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> done{0}, failed{0};
  std::vector<std::thread> threads;
  const auto t0 = Clock::now();
  for (int i = 0; i < callers; ++i) {
    threads.emplace_back([&] {
      while (!stop) {
        try {
          get_device(*stub, device_id);
          ++done;
        } catch (const std::exception&) {
          ++failed;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(args.number("duration")));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("mode=grpc-concurrent callers=%d calls=%llu failed=%llu calls_per_s=%.0f\n", callers,
              static_cast<unsigned long long>(done.load()),
              static_cast<unsigned long long>(failed.load()), static_cast<double>(done) / elapsed);
  return 0;
}

int run_http(const fleet::bench::Args& args) {
  const char* token = std::getenv("BENCH_TOKEN");
  if (token == nullptr || *token == '\0') throw std::invalid_argument("BENCH_TOKEN is not set");
  net::io_context ioc;
  net::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve(args.str("host"), args.str("port")));
  stream.socket().set_option(net::ip::tcp::no_delay(true));
  http::request<http::empty_body> request{http::verb::get, args.str("path"), 11};
  request.set(http::field::host, args.str("host"));
  request.set(http::field::authorization, std::string("Bearer ") + token);
  request.keep_alive(true);
  beast::flat_buffer buffer;
  const auto once = [&] {
    http::write(stream, request);
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    if (response.result_int() != 200) {
      throw std::runtime_error("GET " + args.str("path") + ": " +
                               std::to_string(response.result_int()));
    }
  };
  print("http", sequential(once, args.number("warmup"), args.number("duration")));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  fleet::bench::Args args("fleetgate-read-latency",
                          "one read at a time (p50/p99 µs): device-session GetDevice over gRPC, "
                          "or a gateway GET over HTTP; plus concurrent gRPC callers (calls/s)");
  args.option("mode", "grpc", "grpc (device-session directly) or http (through the gateway)")
      .option("target", "127.0.0.1:50053", "grpc: device-session host:port")
      .option("device", "1", "grpc: the device id to read")
      .option("concurrency", "8", "grpc: callers on the one channel for calls/s (0: skip)")
      .option("host", "127.0.0.1", "http: gateway host")
      .option("port", "8000", "http: gateway port")
      .option("path", "/device/1", "http: the path to GET (token from $BENCH_TOKEN)")
      .option("warmup", "1", "seconds before measuring")
      .option("duration", "5", "seconds measured (per phase)");
  try {
    args.parse(argc, argv);
    if (args.help_requested()) {
      std::cout << args.usage();
      return 0;
    }
    if (args.str("mode") == "grpc") return run_grpc(args);
    if (args.str("mode") == "http") return run_http(args);
    throw std::invalid_argument("--mode must be grpc or http");
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n" << args.usage();
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "fleetgate-read-latency: " << e.what() << "\n";
    return 1;
  }
}
