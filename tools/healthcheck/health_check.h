#pragma once
// One grpc.health.v1.Health/Check call with a deadline: what a container health check or a
// Kubernetes probe asks of a Fleetgate service.
#include <chrono>
#include <string>

namespace fleet::healthcheck {

enum class Outcome {
  kServing,      // the server answered SERVING
  kNotServing,   // it answered, with any other status
  kFailed,       // no answer: unreachable, deadline exceeded, or an RPC error
};

struct Result {
  Outcome outcome;
  std::string detail;  // the status name or the RPC error, for the one line a failure prints
};

// Checks `service` ("" is the server as a whole) at `address` (host:port), waiting at most
// `deadline` in total, connection included.
Result check(const std::string& address, std::chrono::milliseconds deadline,
             const std::string& service = "");

}  // namespace fleet::healthcheck
