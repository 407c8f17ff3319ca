#pragma once
// gRPC server bootstrap shared by every service: health service, reflection, a worker pool for
// blocking domain work, and graceful shutdown on SIGTERM/SIGINT.
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace fleet::rpc {

class ServerMetrics;

// Blocks SIGTERM and SIGINT in the calling thread; threads started afterwards inherit the mask,
// so only run_until_signal's sigwait receives them. The Server constructor calls it: construct
// the Server (or call this) in main before anything starts threads, e.g. a gRPC channel.
void block_shutdown_signals();

// A fixed pool of threads for blocking work (database calls), so gRPC's own threads never block.
class WorkerPool {
 public:
  // nice > 0 runs the threads at a lower priority than the rest of the process (Linux threads
  // have their own nice value), so that their work only takes CPU the others leave.
  explicit WorkerPool(unsigned threads, int nice = 0);
  ~WorkerPool();  // drains queued work, then joins
  void post(std::function<void()> task);
  // Tasks waiting for a thread (not those running), for /metrics.
  std::size_t queued() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The whole of a service's main(): sets up logging as `name`, runs `run` (configuration, wiring,
// serving until a signal), and turns a configuration or start-up failure into one log line and
// exit status 1 (fail fast). Returns the process's exit status.
int service_main(std::string_view name, const std::function<void()>& run);

class Server {
 public:
  // name: for logs; listen_address: e.g. "0.0.0.0:50051" (port 0 picks a free port).
  // Calls block_shutdown_signals().
  Server(std::string name, std::string listen_address);
  ~Server();
  void add_service(grpc::Service* service);
  // Builds and starts listening (throws if it cannot); health reports NOT_SERVING until
  // set_serving(true).
  void start();
  int port() const;
  // Every RPC served, by method and status code (fleet/rpc/server_metrics.h).
  ServerMetrics& metrics();
  // Sets the health status of "" and of every registered service's full name.
  void set_serving(bool serving);
  // Sets the health status of one more name, e.g. a part that can be degraded on its own
  // ("fleetgate.events") without taking the service out of rotation.
  void set_status(const std::string& name, bool serving);
  // Blocks until SIGTERM or SIGINT, then shuts down, letting in-flight calls finish (5 s max).
  // before_shutdown runs first: a service ends its open streams there, which would otherwise
  // hold the shutdown for its whole grace period.
  void run_until_signal(const std::function<void()>& before_shutdown = {});
  // For tests: stop without a signal.
  void shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleet::rpc
