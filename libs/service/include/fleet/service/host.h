#pragma once
// The service host: what every service's main() shares. A service's main reads its Settings
// (which hold a HostSettings), builds a Host, wires its domain and adapter on the host's pool and
// workers, then serves:
//
//   int main() {
//     return fleet::rpc::service_main("user", [] {
//       const Settings settings = Settings::from_env();   // fails fast on a bad value
//       fleet::service::Host host(settings.host, kMigrations);
//       MariadbUserRepository repository(host.pool());
//       ...
//       UserService service(users, host.workers());
//       host.start({&service});
//       host.set_serving(true);
//       host.run_until_signal();
//     });
//   }
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "fleet/db/db.h"
#include "fleet/metrics/http_server.h"
#include "fleet/rpc/server.h"

namespace fleet::service {

// The settings every service has.
struct HostSettings {
  std::string name;  // for logs, e.g. "user"
  int grpc_port = 0;
  // Where /metrics is served (METRICS_PORT; default: the default gRPC port + 1000, so 51051 for
  // auth's 50051; 0 picks a free port).
  int metrics_port = 0;
  unsigned worker_threads = 8;
  db::Config db;
  db::RetryOptions db_wait;  // how long start-up waits for the database
  // How often the health check pings the database (DB_HEALTH_INTERVAL_MS, 1000).
  std::chrono::milliseconds db_check_interval{1000};

  // `port_variable` (default_port, 0..65535), METRICS_PORT, WORKER_THREADS (8, 1..max_worker_threads) and the
  // DB_* variables (db::Config::from_env with default_database). Throws config::ConfigError.
  static HostSettings from_env(std::string name, std::string_view port_variable, int default_port,
                               std::string_view default_database, unsigned max_worker_threads);
};

class Host {
 public:
  // In this order: blocks SIGTERM/SIGINT (call it before anything starts a thread), waits for
  // the database and applies `migrations` (db::migrate_with_retry), opens the connection pool,
  // the worker pool, the gRPC server (not listening yet) on 0.0.0.0:grpc_port, and /metrics on
  // 0.0.0.0:metrics_port (listening at once).
  Host(const HostSettings& settings, std::span<const db::Migration> migrations);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;

  db::Pool& pool() { return *pool_; }
  rpc::WorkerPool& workers() { return *workers_; }
  rpc::Server& server() { return *server_; }
  int metrics_port() const;

  // Registers the services and starts listening; health says NOT_SERVING until set_serving(true).
  void start(std::initializer_list<grpc::Service*> services);
  // The service's own readiness. Health reports SERVING only while it is set and the database
  // answers: a background check pings a pooled connection every db_check_interval, so a service
  // whose database is unreachable reports NOT_SERVING (and the gateway's /readyz follows).
  void set_serving(bool serving);
  // For a service whose replicas share changes over the bus (fleet/bus/replication.h): whether
  // this replica gets all of them. Health reports the name kEventsHealth NOT_SERVING while it
  // does not (degraded: the service still serves), and /metrics fleetgate_events_complete.
  static constexpr const char* kEventsHealth = "fleetgate.events";
  void set_events_complete(bool complete);
  // Blocks until SIGTERM or SIGINT, runs before_shutdown, shuts the server down, then drains the
  // worker pool: queued work refers to the services, which must outlive this call.
  void run_until_signal(const std::function<void()>& before_shutdown = {});

 private:
  void watch_database();
  void publish_health();
  std::string render_metrics();

  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<rpc::Server> server_;
  std::unique_ptr<rpc::WorkerPool> workers_;
  std::unique_ptr<metrics::HttpServer> metrics_;
  std::chrono::milliseconds db_check_interval_;
  std::mutex mutex_;
  std::condition_variable stop_watching_;
  bool stopping_ = false;
  bool serving_ = false;      // what the service said
  bool database_up_ = true;   // what the last check found
  bool events_complete_ = true;
  std::thread watcher_;
};

}  // namespace fleet::service
