#include "fleet/service/metrics.h"

#include <cstdint>
#include <string_view>

namespace fleet::service {
namespace {

void family(std::string& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void sample(std::string& out, std::string_view series, std::uint64_t value) {
  out.append(series).append(" ").append(std::to_string(value)).append("\n");
}

}  // namespace

std::string render_pool_metrics(const db::Pool::Stats& stats) {
  std::string out;
  family(out, "fleetgate_db_pool_connections", "gauge",
         "Database connections open, in use by a request or idle in the pool.");
  sample(out, R"(fleetgate_db_pool_connections{state="in_use"})", stats.in_use);
  sample(out, R"(fleetgate_db_pool_connections{state="idle"})", stats.idle);
  family(out, "fleetgate_db_pool_max_connections", "gauge",
         "The most connections the pool opens (DB_POOL_SIZE).");
  sample(out, "fleetgate_db_pool_max_connections", stats.max_connections);
  family(out, "fleetgate_db_pool_waiting", "gauge",
         "Requests waiting for a free database connection.");
  sample(out, "fleetgate_db_pool_waiting", stats.waiting);
  family(out, "fleetgate_db_pool_acquire_timeouts_total", "counter",
         "Requests refused because no connection became free in time.");
  sample(out, "fleetgate_db_pool_acquire_timeouts_total", stats.acquire_timeouts);
  family(out, "fleetgate_db_connections_dropped_total", "counter",
         "Connections closed after a client error (lost, timed out), never reused.");
  sample(out, "fleetgate_db_connections_dropped_total", stats.dropped);
  family(out, "fleetgate_db_transactions_total", "counter",
         "Transactions by outcome; a deadlock's retry counts once per attempt.");
  sample(out, R"(fleetgate_db_transactions_total{outcome="committed"})", stats.committed);
  sample(out, R"(fleetgate_db_transactions_total{outcome="rolled_back"})", stats.rolled_back);
  family(out, "fleetgate_db_transaction_retries_total", "counter",
         "Transactions retried after a deadlock or lock wait timeout.");
  sample(out, "fleetgate_db_transaction_retries_total", stats.retried);
  return out;
}

std::string render_host_metrics(std::size_t queued, bool serving) {
  std::string out;
  family(out, "fleetgate_worker_queue_depth", "gauge",
         "RPC work waiting for a worker thread (WORKER_THREADS).");
  sample(out, "fleetgate_worker_queue_depth", queued);
  family(out, "fleetgate_service_serving", "gauge",
         "1 while the service reports SERVING on its health service, else 0.");
  sample(out, "fleetgate_service_serving", serving ? 1 : 0);
  return out;
}

}  // namespace fleet::service
