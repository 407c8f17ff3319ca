// fleetgate-user: accounts and profiles over gRPC (fleetgate.user.v1.UserService).
#include "api/replica_relay.h"
#include "api/user_service.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/server.h"
#include "fleet/service/host.h"
#include "repository/mariadb_user_repository.h"
#include "repository/migrations.h"

namespace {

namespace config = fleet::config;

// Read once from the environment; a missing or malformed value fails the start (ConfigError).
struct Settings {
  fleet::service::HostSettings host;  // USER_GRPC_PORT, WORKER_THREADS, DB_*
  fleet::user::AdminAccount admin;    // ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PHONE (required)
  fleet::bus::Settings bus;           // NATS_URL: other replicas' changes; unset: none

  static Settings from_env() {
    Settings s;
    s.host = fleet::service::HostSettings::from_env("user", "USER_GRPC_PORT", 50052,
                                                    "fleetgate_user", 256);
    s.admin = {config::require("ADMIN_USERNAME"), config::require("ADMIN_EMAIL"),
               config::require("ADMIN_PHONE")};
    s.bus = fleet::bus::Settings::from_env();
    return s;
  }
};

void run() {
  const Settings settings = Settings::from_env();
  fleet::service::Host host(settings.host, fleet::user::kMigrations);
  const std::unique_ptr<fleet::Clock> clock = fleet::clock_from_env();
  fleet::user::MariadbUserRepository repository(host.pool());
  fleet::user::AccountHub hub;
  // Before anything commits: every change from now on reaches the other replicas.
  fleet::user::ReplicaRelay relay(hub, settings.bus,
                                  [&host](bool complete) { host.set_events_complete(complete); });
  fleet::user::Users users(repository, *clock, &hub);
  if (users.ensure_admin(settings.admin)) {
    fleet::log::info("admin_created", {{"username", settings.admin.username}});
  }

  fleet::user::UserService service(users, hub, host.workers());
  host.start({&service});
  host.set_serving(true);
  // Drains the workers before the service they refer to goes away.
  host.run_until_signal([&] { hub.end_all(fleet::changes::WatchEnd::kShutdown); });
}

}  // namespace

int main() { return fleet::rpc::service_main("user", run); }
