#include "fleet/service/host.h"

#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/server_metrics.h"
#include "fleet/service/metrics.h"

namespace fleet::service {

HostSettings HostSettings::from_env(std::string name, std::string_view port_variable,
                                    int default_port, std::string_view default_database,
                                    unsigned max_worker_threads) {
  HostSettings s;
  s.name = std::move(name);
  s.grpc_port = static_cast<int>(config::get_int(port_variable, default_port, 0, 65535));
  s.metrics_port = static_cast<int>(
      config::get_int("METRICS_PORT", default_port == 0 ? 0 : default_port + 1000, 0, 65535));
  s.worker_threads =
      static_cast<unsigned>(config::get_int("WORKER_THREADS", 8, 1, max_worker_threads));
  s.db = db::Config::from_env(default_database);
  s.db_check_interval =
      std::chrono::milliseconds(config::get_int("DB_HEALTH_INTERVAL_MS", 1000, 50, 60'000));
  return s;
}

Host::Host(const HostSettings& settings, std::span<const db::Migration> migrations)
    : db_check_interval_(settings.db_check_interval) {
  // Before any thread starts, so that only run_until_signal receives SIGTERM/SIGINT.
  rpc::block_shutdown_signals();
  db::migrate_with_retry(settings.db, migrations, settings.db_wait);
  pool_ = std::make_unique<db::Pool>(settings.db);
  server_ =
      std::make_unique<rpc::Server>(settings.name, "0.0.0.0:" + std::to_string(settings.grpc_port));
  workers_ = std::make_unique<rpc::WorkerPool>(settings.worker_threads);
  metrics_ = std::make_unique<metrics::HttpServer>(settings.metrics_port,
                                                   [this] { return render_metrics(); });
  log::info("metrics_listening", {{"port", metrics_->port()}});
}

int Host::metrics_port() const { return metrics_->port(); }

std::string Host::render_metrics() {
  bool serving = false;
  bool events_complete = true;
  {
    std::lock_guard lock(mutex_);
    serving = serving_ && database_up_;
    events_complete = events_complete_;
  }
  return server_->metrics().render() + render_pool_metrics(pool_->stats()) +
         render_host_metrics(workers_ ? workers_->queued() : 0, serving, events_complete);
}

Host::~Host() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_watching_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  // The metrics page reads all the rest. Workers next (they may use the pool), then the server,
  // then the pool.
  metrics_.reset();
  workers_.reset();
  server_.reset();
  pool_.reset();
}

void Host::start(std::initializer_list<grpc::Service*> services) {
  for (grpc::Service* service : services) server_->add_service(service);
  server_->start();
  {
    std::lock_guard lock(mutex_);
    server_->set_status(kEventsHealth, events_complete_);
  }
  watcher_ = std::thread([this] { watch_database(); });
}

void Host::set_serving(bool serving) {
  std::lock_guard lock(mutex_);
  serving_ = serving;
  publish_health();
}

void Host::set_events_complete(bool complete) {
  std::lock_guard lock(mutex_);
  events_complete_ = complete;
  server_->set_status(kEventsHealth, complete);
}

// Called with mutex_ held.
void Host::publish_health() { server_->set_serving(serving_ && database_up_); }

void Host::watch_database() {
  std::unique_lock lock(mutex_);
  while (!stop_watching_.wait_for(lock, db_check_interval_, [this] { return stopping_; })) {
    lock.unlock();
    bool up = false;
    try {
      auto connection = pool_->acquire();
      up = connection->ping();
    } catch (const std::exception&) {
      up = false;  // unreachable, or every connection busy past the acquire timeout
    }
    lock.lock();
    if (up != database_up_) {
      database_up_ = up;
      if (up) {
        log::info("database_reachable");
      } else {
        log::warn("database_unreachable");
      }
      publish_health();
    }
  }
}

void Host::run_until_signal(const std::function<void()>& before_shutdown) {
  server_->run_until_signal([this, &before_shutdown] {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    stop_watching_.notify_all();
    if (watcher_.joinable()) watcher_.join();
    if (before_shutdown) before_shutdown();
  });
  metrics_.reset();  // it reads the worker pool
  workers_.reset();
}

}  // namespace fleet::service
