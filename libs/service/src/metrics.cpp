#include "fleet/service/metrics.h"

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace fleet::service {
namespace {

// One metric family: its HELP and TYPE lines, then a sample per label set ("" for none).
struct Family {
  std::string_view name, type, help;
  std::initializer_list<std::pair<std::string_view, std::uint64_t>> samples;
};

std::string render(std::initializer_list<Family> families) {
  std::string out;
  for (const auto& f : families) {
    out.append("# HELP ").append(f.name).append(" ").append(f.help).append("\n");
    out.append("# TYPE ").append(f.name).append(" ").append(f.type).append("\n");
    for (const auto& [labels, value] : f.samples) {
      out.append(f.name).append(labels).append(" ").append(std::to_string(value)).append("\n");
    }
  }
  return out;
}

}  // namespace

std::string render_pool_metrics(const db::Pool::Stats& s) {
  return render({
      {"fleetgate_db_pool_connections", "gauge",
       "Database connections open, in use by a request or idle in the pool.",
       {{R"({state="in_use"})", s.in_use}, {R"({state="idle"})", s.idle}}},
      {"fleetgate_db_pool_max_connections", "gauge",
       "The most connections the pool opens (DB_POOL_SIZE).",
       {{"", s.max_connections}}},
      {"fleetgate_db_pool_waiting", "gauge", "Requests waiting for a free database connection.",
       {{"", s.waiting}}},
      {"fleetgate_db_pool_acquire_timeouts_total", "counter",
       "Requests refused because no connection became free in time.",
       {{"", s.acquire_timeouts}}},
      {"fleetgate_db_connections_dropped_total", "counter",
       "Connections closed after a client error (lost, timed out), never reused.",
       {{"", s.dropped}}},
      {"fleetgate_db_transactions_total", "counter",
       "Transactions by outcome; a deadlock's retry counts once per attempt.",
       {{R"({outcome="committed"})", s.committed}, {R"({outcome="rolled_back"})", s.rolled_back}}},
      {"fleetgate_db_transaction_retries_total", "counter",
       "Transactions retried after a deadlock (or a Galera certification conflict), a lock wait "
       "timeout or a connection lost before COMMIT.",
       {{"", s.retried}}},
  });
}

std::string render_host_metrics(std::size_t queued, bool serving, bool events_complete) {
  return render({
      {"fleetgate_worker_queue_depth", "gauge",
       "RPC work waiting for a worker thread (WORKER_THREADS).",
       {{"", queued}}},
      {"fleetgate_service_serving", "gauge",
       "1 while the service reports SERVING on its health service, else 0.",
       {{"", serving ? 1u : 0u}}},
      {"fleetgate_events_complete", "gauge",
       "1 while this replica gets every replica's changes (always, without NATS_URL), else 0.",
       {{"", events_complete ? 1u : 0u}}},
  });
}

}  // namespace fleet::service
