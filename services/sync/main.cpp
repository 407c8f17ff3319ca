// fleetgate-sync: pisync's Raspberry Pi devices, their sync attempts and the attempt log, over
// gRPC (fleetgate.sync.v1.SyncService).
#include <cstdint>
#include <limits>
#include <optional>

#include "api/sync_service.h"
#include "domain/outcomes.h"
#include "domain/sync.h"
#include "fleet/changes/feed.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/server.h"
#include "fleet/service/host.h"
#include "repository/mariadb_sync_repository.h"
#include "repository/migrations.h"

namespace {

using namespace fleet::sync;
namespace config = fleet::config;

// Read once from the environment; a malformed value fails the start (ConfigError).
struct Settings {
  fleet::service::HostSettings host;  // SYNC_GRPC_PORT, WORKER_THREADS, DB_*
  double success_rate = 0.8;          // SYNC_SUCCESS_RATE, 0..1
  std::optional<std::uint64_t> seed;  // SYNC_SEED (unset: a random seed, logged)
  bool demo_devices = false;          // DEMO_SYNC_DEVICES: devices 101-105

  static Settings from_env() {
    Settings s;
    s.host = fleet::service::HostSettings::from_env("sync", "SYNC_GRPC_PORT", 50056,
                                                    "fleetgate_sync", 256);
    s.success_rate = config::get_double("SYNC_SUCCESS_RATE", 0.8, 0.0, 1.0);
    if (!config::get_or("SYNC_SEED", "").empty()) {
      s.seed = static_cast<std::uint64_t>(
          config::get_int("SYNC_SEED", 0, 0, std::numeric_limits<std::int64_t>::max()));
    }
    s.demo_devices = config::get_bool("DEMO_SYNC_DEVICES", false);
    return s;
  }
};

void run() {
  const Settings settings = Settings::from_env();
  const auto clock = fleet::clock_from_env();

  fleet::service::Host host(settings.host, kMigrations);
  MariadbSyncRepository repository(host.pool());
  // One engine for the process: with SYNC_SEED, the n-th attempt after a start always draws the
  // same outcome.
  SeededOutcomes outcomes(settings.success_rate, settings.seed);
  Sync sync(repository, *clock, outcomes);
  if (settings.demo_devices) {
    fleet::log::info("demo_devices_ready", {{"created", sync.ensure_demo_devices()}});
  }

  // Every committed attempt, for the gateway's response cache.
  fleet::changes::Publisher changes;
  fleet::changes::ChangeFeedService feed(changes);
  SyncService service(sync, host.workers(), changes);
  host.start({&service, &feed});
  host.set_serving(true);
  fleet::log::info("sync_started",
                   {{"port", host.server().port()},
                    {"success_rate", std::to_string(settings.success_rate)},
                    {"seed", std::to_string(outcomes.seed())},
                    {"seeded", settings.seed ? "yes" : "no"}});
  // Open feed streams would hold the shutdown for its whole grace period: end them first.
  // Drains the workers before the service and the domain they refer to go away.
  host.run_until_signal([&] { changes.end_all(fleet::changes::WatchEnd::kShutdown); });
}

}  // namespace

int main() { return fleet::rpc::service_main("sync", run); }
