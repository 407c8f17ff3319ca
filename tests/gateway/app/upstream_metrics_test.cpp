// Upstream calls by service, method and code, with latency (app/upstream_metrics.*).
#include "app/upstream_metrics.h"

#include <catch2/catch.hpp>

using fleet::gateway::app::UpstreamMetrics;
using namespace std::chrono_literals;

TEST_CASE("upstream calls are counted by service, method and code", "[metrics]") {
  UpstreamMetrics metrics;
  metrics.observe("user", "GetUser", 0, 400us);
  metrics.observe("user", "GetUser", 0, 3ms);
  metrics.observe("user", "GetUser", 5, 1ms);
  metrics.observe("auth", "Login", 14, 2s);
  metrics.observe("auth", "Login", 99, 1ms);  // not a gRPC code: counted as UNKNOWN
  CHECK(metrics.calls("user", "GetUser", 0) == 2);
  CHECK(metrics.calls("user", "GetUser", 5) == 1);
  CHECK(metrics.calls("auth", "Login", 14) == 1);
  CHECK(metrics.calls("auth", "Login", 2) == 1);
  CHECK(metrics.calls("sync", "SyncDevice", 0) == 0);

  const auto text = metrics.render();
  CHECK_THAT(text,
             Catch::Contains(
                 R"(fleetgate_upstream_calls_total{service="user",method="GetUser",code="OK"} 2)"));
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_upstream_calls_total{service="user",)"
                                   R"(method="GetUser",code="NOT_FOUND"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_upstream_calls_total{service="auth",)"
                                   R"(method="Login",code="UNAVAILABLE"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_upstream_call_duration_seconds_bucket{)"
                                   R"(service="user",method="GetUser",le="0.0005"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_upstream_call_duration_seconds_count{)"
                                   R"(service="user",method="GetUser"} 3)"));
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_upstream_call_duration_seconds_bucket{)"
                                   R"(service="auth",method="Login",le="2.5"} 2)"));
}
