#pragma once
// Every RPC a service serves, counted by gRPC service, method and status code with its handling
// time (fleetgate_grpc_server_handled_total, fleetgate_grpc_server_handling_seconds), by a server
// interceptor: one place sees every call, unary or streaming, including health checks.
#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "fleet/metrics/call_metrics.h"

namespace fleet::rpc {

class ServerMetrics : public metrics::CallMetrics {
 public:
  ServerMetrics()
      : CallMetrics({.calls = "fleetgate_grpc_server_handled_total",
                     .calls_help = "RPCs completed by the service, by gRPC service, method and "
                                   "status code.",
                     .duration = "fleetgate_grpc_server_handling_seconds",
                     .duration_help = "Time from an RPC's start to its status (a stream's whole "
                                      "life), by gRPC service and method.",
                     .first_label = "grpc_service",
                     .second_label = "grpc_method"}) {}

  // For ServerBuilder::experimental().SetInterceptorCreators; counts into `this`, which must
  // outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> interceptor_factory();
};

}  // namespace fleet::rpc
