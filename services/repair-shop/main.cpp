// fleetgate-repair-shop: the laptop repair shop's catalog, customer devices, orders with their
// status history, technician assignments and payments, over gRPC
// (fleetgate.repair_shop.v1.RepairShopService). Owners, customers and technicians are accounts
// of the user service, checked over gRPC.
#include "api/repair_shop_service.h"
#include "domain/repair_shop.h"
#include "fleet/changes/feed.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/channel.h"
#include "fleet/rpc/server.h"
#include "fleet/service/host.h"
#include "repository/mariadb_repair_shop_repository.h"
#include "repository/migrations.h"

namespace {

using namespace fleet::repair_shop;
namespace config = fleet::config;

// Read once from the environment; a malformed value fails the start (ConfigError).
struct Settings {
  fleet::service::HostSettings host;  // REPAIR_SHOP_GRPC_PORT, WORKER_THREADS, DB_*
  std::string user_addr;              // USER_ADDR: the user service

  static Settings from_env() {
    Settings s;
    s.host = fleet::service::HostSettings::from_env("repair-shop", "REPAIR_SHOP_GRPC_PORT", 50054,
                                                    "fleetgate_repair_shop", 256);
    s.user_addr = config::get_or("USER_ADDR", "127.0.0.1:50052");
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
  MariadbRepairShopRepository repository(host.pool());
  RepairShop shop(repository, *clock);

  // The user service may start after us or restart: picked up within about a second.
  auto channel = fleet::rpc::make_channel(settings.user_addr);
  auto user_stub = fleetgate::user::v1::UserService::NewStub(channel);

  // Every create is exactly-once per X-Idempotency-Key: the row commits with the key.
  fleet::idempotency::Store idempotency(host.pool(), *clock);
  // Every committed write, for the gateway's response cache.
  fleet::changes::Publisher changes;
  fleet::changes::ChangeFeedService feed(changes);
  RepairShopService service(shop, *user_stub, idempotency,
                            &MariadbRepairShopRepository::transaction_on, host.workers(), changes);
  host.start({&service, &feed});
  host.set_serving(true);
  fleet::log::info("repair_shop_started",
                   {{"port", host.server().port()}, {"user_addr", settings.user_addr}});
  // Open feed streams would hold the shutdown for its whole grace period: end them first.
  // Drains the workers before the service and the domain they refer to go away.
  host.run_until_signal([&] { changes.end_all(fleet::changes::WatchEnd::kShutdown); });
}

}  // namespace

int main() { return fleet::rpc::service_main("repair-shop", run); }
