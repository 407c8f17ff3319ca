#include "fleet/service/host.h"

#include <catch2/catch.hpp>
#include <cstdlib>

#include "fleet/common/config.h"

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
  CHECK(s.worker_threads == 8);
  CHECK(s.db.user == "svc");
  CHECK(s.db.database == "fleetgate_svc");
  CHECK(s.db_wait.deadline == std::chrono::seconds{30});

  ::setenv("FLEET_TEST_GRPC_PORT", "0", 1);
  ::setenv("WORKER_THREADS", "3", 1);
  ::setenv("DB_NAME", "other", 1);
  const auto t = HostSettings::from_env("svc", "FLEET_TEST_GRPC_PORT", 50099, "fleetgate_svc", 256);
  CHECK(t.grpc_port == 0);
  CHECK(t.worker_threads == 3);
  CHECK(t.db.database == "other");
  ::unsetenv("DB_NAME");
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
