#include "fleet/service/host.h"

#include "fleet/common/config.h"

namespace fleet::service {

HostSettings HostSettings::from_env(std::string name, std::string_view port_variable,
                                    int default_port, std::string_view default_database,
                                    unsigned max_worker_threads) {
  HostSettings s;
  s.name = std::move(name);
  s.grpc_port = static_cast<int>(config::get_int(port_variable, default_port, 0, 65535));
  s.worker_threads =
      static_cast<unsigned>(config::get_int("WORKER_THREADS", 8, 1, max_worker_threads));
  s.db = db::Config::from_env(default_database);
  return s;
}

Host::Host(const HostSettings& settings, std::span<const db::Migration> migrations) {
  // Before any thread starts, so that only run_until_signal receives SIGTERM/SIGINT.
  rpc::block_shutdown_signals();
  db::migrate_with_retry(settings.db, migrations, settings.db_wait);
  pool_ = std::make_unique<db::Pool>(settings.db);
  server_ =
      std::make_unique<rpc::Server>(settings.name, "0.0.0.0:" + std::to_string(settings.grpc_port));
  workers_ = std::make_unique<rpc::WorkerPool>(settings.worker_threads);
}

Host::~Host() {
  // Workers first (they may use the pool), then the server, then the pool.
  workers_.reset();
  server_.reset();
  pool_.reset();
}

void Host::start(std::initializer_list<grpc::Service*> services) {
  for (grpc::Service* service : services) server_->add_service(service);
  server_->start();
}

void Host::run_until_signal(const std::function<void()>& before_shutdown) {
  server_->run_until_signal(before_shutdown);
  workers_.reset();
}

}  // namespace fleet::service
