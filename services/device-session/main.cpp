// fleetgate-device-session: rental devices, their sessions and countdown streams, and the rental
// wallet with its ledger, over gRPC (fleetgate.device_session.v1.DeviceSessionService).
#include "api/device_session_service.h"
#include "domain/expiry_sweeper.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/db/db.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/server.h"
#include "repository/mariadb_repository.h"
#include "repository/migrations.h"

int main() {
  return fleet::rpc::service_main("device-session", [] {
    using namespace fleet::device_session;
    using namespace std::chrono_literals;
    // Before any thread starts, so that only run_until_signal receives SIGTERM/SIGINT.
    fleet::rpc::block_shutdown_signals();
    namespace config = fleet::config;
    const auto db_config = fleet::db::Config::from_env("fleetgate_device_session");
    const auto port = config::get_int("DEVICE_SESSION_GRPC_PORT", 50053, 0, 65535);
    const auto worker_threads = config::get_int("WORKER_THREADS", 8, 1, 256);
    const bool demo_devices = config::get_bool("DEMO_DEVICES", false);
    // End-to-end tests shift time through this file: the sweeper must then poll, not sleep long.
    const bool clock_may_jump = !config::get_or("FLEETGATE_CLOCK_OFFSET_FILE", "").empty();
    const auto clock = fleet::clock_from_env();

    fleet::db::migrate(db_config, kMigrations);
    fleet::db::Pool pool(db_config);
    MariadbRepository repository(pool);
    DeviceHub hub;
    Rental rental(repository, *clock, hub);
    if (demo_devices) {
      rental.ensure_demo_devices();
      fleet::log::info("demo_devices_ready");
    }
    fleet::idempotency::Store idempotency(pool, *clock);
    // Catches up at once on sessions that ended while the service was down.
    ExpirySweeper sweeper(rental, *clock, clock_may_jump ? 250ms : 5000ms);
    sweeper.start();

    auto workers = std::make_unique<fleet::rpc::WorkerPool>(static_cast<unsigned>(worker_threads));
    DeviceSessionAdapter service(rental, hub, idempotency, *workers);
    fleet::rpc::Server server("device-session", "0.0.0.0:" + std::to_string(port));
    server.add_service(&service);
    server.start();
    server.set_serving(true);

    // Open watch streams would hold the shutdown for its whole grace period: end them first.
    server.run_until_signal([&] { hub.end_all(Watcher::End::kShutdown); });
    sweeper.stop();
    // Queued work refers to the adapter: drain it while the adapter still exists.
    workers.reset();
  });
}
