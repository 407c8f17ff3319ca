#include "fleet/service/host.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "fleet/common/config.h"
#include "fleet/service/metrics.h"

using fleet::service::HostSettings;

TEST_CASE("host settings come from the environment, with defaults", "[service][host]") {
  ::unsetenv("FLEET_TEST_GRPC_PORT");
  ::unsetenv("WORKER_THREADS");
  ::unsetenv("DB_HOST");
  ::unsetenv("DB_NAME");
  ::setenv("DB_USER", "svc", 1);
  const auto s = HostSettings::from_env("svc", "FLEET_TEST_GRPC_PORT", 50099, "fleetgate_svc", 256);
  CHECK(s.name == "svc");
  CHECK(s.grpc_port == 50099);
  CHECK(s.metrics_port == 51099);  // the default gRPC port + 1000
  CHECK(s.worker_threads == 8);
  CHECK(s.db.user == "svc");
  CHECK(s.db.database == "fleetgate_svc");
  CHECK(s.db_wait.deadline == std::chrono::seconds{30});

  ::setenv("FLEET_TEST_GRPC_PORT", "0", 1);
  ::setenv("WORKER_THREADS", "3", 1);
  ::setenv("DB_NAME", "other", 1);
  ::setenv("METRICS_PORT", "0", 1);
  const auto t = HostSettings::from_env("svc", "FLEET_TEST_GRPC_PORT", 50099, "fleetgate_svc", 256);
  CHECK(t.grpc_port == 0);
  CHECK(t.worker_threads == 3);
  CHECK(t.db.database == "other");
  CHECK(t.metrics_port == 0);
  ::unsetenv("DB_NAME");
  ::unsetenv("METRICS_PORT");
}

TEST_CASE("host settings fail fast on missing or bad values", "[service][host]") {
  ::setenv("DB_USER", "svc", 1);
  ::setenv("FLEET_TEST_GRPC_PORT", "70000", 1);
  CHECK_THROWS_AS(HostSettings::from_env("svc", "FLEET_TEST_GRPC_PORT", 1, "db", 256),
                  fleet::config::ConfigError);
  ::setenv("FLEET_TEST_GRPC_PORT", "1", 1);
  ::setenv("WORKER_THREADS", "257", 1);
  CHECK_THROWS_AS(HostSettings::from_env("svc", "FLEET_TEST_GRPC_PORT", 1, "db", 256),
                  fleet::config::ConfigError);
  ::setenv("WORKER_THREADS", "1024", 1);
  CHECK(HostSettings::from_env("svc", "FLEET_TEST_GRPC_PORT", 1, "db", 1024).worker_threads ==
        1024);
  ::unsetenv("WORKER_THREADS");
  ::unsetenv("DB_USER");
  CHECK_THROWS_AS(HostSettings::from_env("svc", "FLEET_TEST_GRPC_PORT", 1, "db", 256),
                  fleet::config::ConfigError);
  ::unsetenv("FLEET_TEST_GRPC_PORT");
}

TEST_CASE("the pool and host metrics render every family with its samples", "[service][metrics]") {
  fleet::db::Pool::Stats stats;
  stats.max_connections = 4;
  stats.in_use = 3;
  stats.idle = 1;
  stats.waiting = 2;
  stats.acquire_timeouts = 5;
  stats.dropped = 6;
  stats.committed = 7;
  stats.rolled_back = 8;
  stats.retried = 9;
  const auto text = fleet::service::render_pool_metrics(stats);
  for (const char* line : {
           "# TYPE fleetgate_db_pool_connections gauge\n",
           "fleetgate_db_pool_connections{state=\"in_use\"} 3\n",
           "fleetgate_db_pool_connections{state=\"idle\"} 1\n",
           "fleetgate_db_pool_max_connections 4\n",
           "fleetgate_db_pool_waiting 2\n",
           "# TYPE fleetgate_db_pool_acquire_timeouts_total counter\n",
           "fleetgate_db_pool_acquire_timeouts_total 5\n",
           "fleetgate_db_connections_dropped_total 6\n",
           "fleetgate_db_transactions_total{outcome=\"committed\"} 7\n",
           "fleetgate_db_transactions_total{outcome=\"rolled_back\"} 8\n",
           "fleetgate_db_transaction_retries_total 9\n",
       }) {
    CHECK_THAT(text, Catch::Contains(line));
  }
  const auto host = fleet::service::render_host_metrics(12, true, true);
  CHECK_THAT(host, Catch::Contains("fleetgate_worker_queue_depth 12\n"));
  CHECK_THAT(host, Catch::Contains("fleetgate_service_serving 1\n"));
  CHECK_THAT(host, Catch::Contains("fleetgate_events_complete 1\n"));
  const auto degraded = fleet::service::render_host_metrics(0, false, false);
  CHECK_THAT(degraded, Catch::Contains("fleetgate_service_serving 0\n"));
  CHECK_THAT(degraded, Catch::Contains("fleetgate_events_complete 0\n"));
}
