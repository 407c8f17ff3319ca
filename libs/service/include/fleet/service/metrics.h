#pragma once
// A service's /metrics page (served by the host on METRICS_PORT): its RPCs by method and code
// (fleet/rpc/server_metrics.h), its database pool and transactions, its worker queue and health.
#include <cstddef>
#include <string>

#include "fleet/db/db.h"

namespace fleet::service {

// fleetgate_db_pool_* , fleetgate_db_transactions_total and fleetgate_db_transaction_retries_total.
std::string render_pool_metrics(const db::Pool::Stats& stats);

// fleetgate_worker_queue_depth and fleetgate_service_serving.
std::string render_host_metrics(std::size_t queued, bool serving, bool events_complete);

}  // namespace fleet::service
