// Calls by a label pair and status code, and the latency histogram (fleet/metrics).
#include "fleet/metrics/call_metrics.h"

#include <catch2/catch.hpp>

using fleet::metrics::CallMetrics;
using namespace std::chrono_literals;

namespace {

CallMetrics test_metrics() {
  return CallMetrics({.calls = "t_calls_total",
                      .calls_help = "Calls.",
                      .duration = "t_seconds",
                      .duration_help = "Time.",
                      .first_label = "a",
                      .second_label = "b"});
}

}  // namespace

TEST_CASE("gRPC codes have their Prometheus names, others are UNKNOWN", "[metrics]") {
  CHECK(fleet::metrics::grpc_code_name(0) == "OK");
  CHECK(fleet::metrics::grpc_code_name(14) == "UNAVAILABLE");
  CHECK(fleet::metrics::grpc_code_name(16) == "UNAUTHENTICATED");
  CHECK(fleet::metrics::grpc_code_name(17) == "UNKNOWN");
  CHECK(fleet::metrics::grpc_code_name(-1) == "UNKNOWN");
}

TEST_CASE("calls are rendered under the names and labels given", "[metrics]") {
  auto metrics = test_metrics();
  CHECK(metrics.render() ==
        "# HELP t_calls_total Calls.\n# TYPE t_calls_total counter\n"
        "# HELP t_seconds Time.\n# TYPE t_seconds histogram\n");  // families, no series yet
  metrics.observe("x", "y", 0, 700us);
  metrics.observe("x", "y", 3, 30ms);
  CHECK(metrics.calls("x", "y", 0) == 1);
  CHECK(metrics.calls("x", "y", 3) == 1);
  CHECK(metrics.calls("x", "z", 0) == 0);
  const auto text = metrics.render();
  CHECK_THAT(text, Catch::Contains("t_calls_total{a=\"x\",b=\"y\",code=\"OK\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("t_calls_total{a=\"x\",b=\"y\",code=\"INVALID_ARGUMENT\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("t_seconds_bucket{a=\"x\",b=\"y\",le=\"0.0005\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("t_seconds_bucket{a=\"x\",b=\"y\",le=\"0.001\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("t_seconds_bucket{a=\"x\",b=\"y\",le=\"+Inf\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("t_seconds_sum{a=\"x\",b=\"y\"} 0.030700\n"));
  CHECK_THAT(text, Catch::Contains("t_seconds_count{a=\"x\",b=\"y\"} 2\n"));
}
