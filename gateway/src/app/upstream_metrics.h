#pragma once
// Upstream gRPC calls by service, method and status code, with a latency histogram per service
// and method, for /metrics: fleetgate_upstream_calls_total and
// fleetgate_upstream_call_duration_seconds.
#include "fleet/metrics/call_metrics.h"

namespace fleet::gateway::app {

class UpstreamMetrics : public metrics::CallMetrics {
 public:
  UpstreamMetrics()
      : CallMetrics({.calls = "fleetgate_upstream_calls_total",
                     .calls_help = "gRPC calls to the services by service, method and status code.",
                     .duration = "fleetgate_upstream_call_duration_seconds",
                     .duration_help = "Time from sending a gRPC call to its status, by service "
                                      "and method.",
                     .first_label = "service",
                     .second_label = "method"}) {}
};

}  // namespace fleet::gateway::app
