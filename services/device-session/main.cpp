// fleetgate-device-session: rental devices, their sessions and countdown streams, and the rental
// wallet with its ledger, over gRPC (fleetgate.device_session.v1.DeviceSessionService).
#include "api/device_session_service.h"
#include "api/replica_relay.h"
#include "domain/expiry_sweeper.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/server.h"
#include "fleet/service/host.h"
#include "repository/mariadb_device_session_repository.h"
#include "repository/migrations.h"

namespace {

using namespace fleet::device_session;
using namespace std::chrono_literals;
namespace config = fleet::config;

// Read once from the environment; a malformed value fails the start (ConfigError).
struct Settings {
  fleet::service::HostSettings host;  // DEVICE_SESSION_GRPC_PORT, WORKER_THREADS, DB_*
  bool demo_devices = false;          // DEMO_DEVICES
  fleet::bus::Settings bus;           // NATS_URL: other replicas' changes; unset: none
  // End-to-end tests shift time through FLEETGATE_CLOCK_OFFSET_FILE: the sweeper must then
  // poll, not sleep long.
  bool clock_may_jump = false;

  static Settings from_env() {
    Settings s;
    s.host = fleet::service::HostSettings::from_env("device-session", "DEVICE_SESSION_GRPC_PORT",
                                                    50053, "fleetgate_device_session", 256);
    s.demo_devices = config::get_bool("DEMO_DEVICES", false);
    s.bus = fleet::bus::Settings::from_env();
    s.clock_may_jump = !config::get_or("FLEETGATE_CLOCK_OFFSET_FILE", "").empty();
    return s;
  }
};

void run() {
  const Settings settings = Settings::from_env();
  const auto clock = fleet::clock_from_env();

  fleet::service::Host host(settings.host, kMigrations);
  MariadbDeviceSessionRepository repository(host.pool());
  DeviceHub hub;
  // Before anything commits: every change from now on reaches the other replicas.
  ReplicaRelay relay(hub, settings.bus,
                     [&host](bool complete) { host.set_events_complete(complete); });
  Rental rental(repository, *clock, hub);
  if (settings.demo_devices) {
    rental.ensure_demo_devices();
    fleet::log::info("demo_devices_ready");
  }
  fleet::idempotency::Store idempotency(host.pool(), *clock);
  // Catches up at once on sessions that ended while the service was down.
  ExpirySweeper sweeper(rental, *clock, settings.clock_may_jump ? 250ms : 5000ms);
  sweeper.start();

  DeviceSessionService service(rental, hub, idempotency,
                               &MariadbDeviceSessionRepository::transaction_on, host.workers());
  host.start({&service});
  host.set_serving(true);

  // Open watch streams would hold the shutdown for its whole grace period: end them first.
  // Drains the workers before the service they refer to goes away.
  host.run_until_signal([&] { hub.end_all(Watcher::End::kShutdown); });
  sweeper.stop();
}

}  // namespace

int main() { return fleet::rpc::service_main("device-session", run); }
