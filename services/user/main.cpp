// fleetgate-user: accounts and profiles over gRPC (fleetgate.user.v1.UserService).
#include "api/user_service.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/db/db.h"
#include "fleet/rpc/server.h"
#include "repository/mariadb_user_repository.h"
#include "repository/migrations.h"

int main() {
  return fleet::rpc::service_main("user", [] {
    // Before any thread starts, so that only run_until_signal receives SIGTERM/SIGINT.
    fleet::rpc::block_shutdown_signals();
    namespace config = fleet::config;
    const auto db_config = fleet::db::Config::from_env("fleetgate_user");
    const auto port = config::get_int("USER_GRPC_PORT", 50052, 0, 65535);
    const auto worker_threads = config::get_int("WORKER_THREADS", 8, 1, 256);
    const fleet::user::AdminAccount admin{config::require("ADMIN_USERNAME"),
                                          config::require("ADMIN_EMAIL"),
                                          config::require("ADMIN_PHONE")};

    fleet::db::migrate(db_config, fleet::user::kMigrations);
    fleet::db::Pool pool(db_config);
    const std::unique_ptr<fleet::Clock> clock = fleet::clock_from_env();
    fleet::user::MariadbUserRepository repository(pool);
    fleet::user::Users users(repository, *clock);
    if (users.ensure_admin(admin))
      fleet::log::info("admin_created", {{"username", admin.username}});

    auto workers = std::make_unique<fleet::rpc::WorkerPool>(static_cast<unsigned>(worker_threads));
    fleet::user::UserServiceAdapter service(users, *workers);
    fleet::rpc::Server server("user", "0.0.0.0:" + std::to_string(port));
    server.add_service(&service);
    server.start();
    server.set_serving(true);
    server.run_until_signal();
    // Queued work refers to the adapter: drain it while the adapter still exists.
    workers.reset();
  });
}
