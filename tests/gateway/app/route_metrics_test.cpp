// Requests per route template and the latency histogram (app/route_metrics.*).
#include "app/route_metrics.h"

#include <catch2/catch.hpp>

using fleet::gateway::app::RouteMetrics;
using namespace std::chrono_literals;

TEST_CASE("responses are counted per route template, method and status", "[metrics]") {
  RouteMetrics metrics;
  const auto user = metrics.add("users-v1", "GET", "/api/v1/users/{user_id}");
  const auto login = metrics.add("users-v1", "POST", "/api/v1/auth/login");
  metrics.observe(user, 200, 300us);
  metrics.observe(user, 200, 2ms);
  metrics.observe(user, 404, 40ms);
  CHECK(metrics.requests(user, 200) == 2);
  CHECK(metrics.requests(user, 404) == 1);
  CHECK(metrics.count(user) == 3);
  CHECK(metrics.count(login) == 0);
  metrics.observe(user, 42, 1ms);  // not an HTTP status: ignored
  metrics.observe(99, 200, 1ms);   // not a route: ignored
  CHECK(metrics.count(user) == 3);

  const auto text = metrics.render();
  const std::string labels = R"(surface="users-v1",method="GET",route="/api/v1/users/{user_id}")";
  CHECK_THAT(text,
             Catch::Contains("fleetgate_route_requests_total{" + labels + R"(,status="200"} 2)"));
  CHECK_THAT(text,
             Catch::Contains("fleetgate_route_requests_total{" + labels + R"(,status="404"} 1)"));
  // Cumulative buckets: 300 µs is under 0.0005 s, 2 ms under 0.0025 s, 40 ms under 0.05 s.
  CHECK_THAT(text, Catch::Contains("fleetgate_route_duration_seconds_bucket{" + labels +
                                   R"(,le="0.0005"} 1)"));
  CHECK_THAT(text, Catch::Contains("fleetgate_route_duration_seconds_bucket{" + labels +
                                   R"(,le="0.0025"} 2)"));
  CHECK_THAT(text, Catch::Contains("fleetgate_route_duration_seconds_bucket{" + labels +
                                   R"(,le="0.05"} 3)"));
  CHECK_THAT(text, Catch::Contains("fleetgate_route_duration_seconds_bucket{" + labels +
                                   R"(,le="+Inf"} 3)"));
  CHECK_THAT(text,
             Catch::Contains("fleetgate_route_duration_seconds_sum{" + labels + "} 0.042300"));
  CHECK_THAT(text, Catch::Contains("fleetgate_route_duration_seconds_count{" + labels + "} 3"));
  // A route never called adds no series.
  CHECK_THAT(text, !Catch::Contains("/api/v1/auth/login"));
}
