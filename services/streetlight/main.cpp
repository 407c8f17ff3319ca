// fleetgate-streetlight: street lights by city, their control log and city summaries, over gRPC
// (fleetgate.streetlight.v1.StreetlightService).
#include "api/streetlight_service.h"
#include "domain/streetlights.h"
#include "fleet/changes/feed.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/server.h"
#include "fleet/service/host.h"
#include "repository/mariadb_streetlight_repository.h"
#include "repository/migrations.h"

namespace {

using namespace fleet::streetlight;
namespace config = fleet::config;

// Read once from the environment; a malformed value fails the start (ConfigError).
struct Settings {
  fleet::service::HostSettings host;  // STREETLIGHT_GRPC_PORT, WORKER_THREADS, DB_*
  bool demo_lights = false;           // DEMO_LIGHTS

  static Settings from_env() {
    Settings s;
    s.host = fleet::service::HostSettings::from_env("streetlight", "STREETLIGHT_GRPC_PORT", 50055,
                                                    "fleetgate_streetlight", 256);
    s.demo_lights = config::get_bool("DEMO_LIGHTS", false);
    return s;
  }
};

void run() {
  const Settings settings = Settings::from_env();

  // Blocks SIGTERM/SIGINT for run_until_signal, waits for the database and migrates it, opens
  // the pool, the workers and the server: before anything else starts a thread (gRPC's).
  fleet::service::Host host(settings.host, kMigrations);
  // The system clock, or a shifted one for end-to-end tests (FLEETGATE_CLOCK_OFFSET_FILE).
  const auto clock = fleet::clock_from_env();
  MariadbStreetlightRepository repository(host.pool());
  Streetlights lights(repository, *clock);
  if (settings.demo_lights) {
    lights.ensure_demo_lights();
    fleet::log::info("demo_lights_ready");
  }

  // Control and status reports are exactly-once per X-Idempotency-Key: the change and its log
  // commit with the key.
  fleet::idempotency::Store idempotency(host.pool(), *clock);
  // Every committed light change, for the gateway's response cache.
  fleet::changes::Publisher changes;
  fleet::changes::ChangeFeedService feed(changes);
  StreetlightService service(lights, idempotency, &MariadbStreetlightRepository::transaction_on,
                             host.workers(), changes);
  host.start({&service, &feed});
  host.set_serving(true);
  // Open feed streams would hold the shutdown for its whole grace period: end them first.
  // Drains the workers before the service and the domain they refer to go away.
  host.run_until_signal([&] { changes.end_all(fleet::changes::WatchEnd::kShutdown); });
}

}  // namespace

int main() { return fleet::rpc::service_main("streetlight", run); }
