#include "health_check.h"

#include <grpcpp/grpcpp.h>

#include "grpc/health/v1/health.grpc.pb.h"

namespace fleet::healthcheck {

namespace health = grpc::health::v1;

Result check(const std::string& address, std::chrono::milliseconds deadline,
             const std::string& service) {
  // A probe asks the process next to it: never through an http_proxy/grpc_proxy of the
  // environment.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_ENABLE_HTTP_PROXY, 0);
  auto channel =
      grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
  auto stub = health::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline);
  // Without this a refused connection fails at once; with it the call waits for the server to
  // come up, but never past the deadline, which bounds the probe either way.
  context.set_wait_for_ready(true);
  health::HealthCheckRequest request;
  request.set_service(service);
  health::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) {
    return {Outcome::kFailed, "rpc failed: code " + std::to_string(status.error_code()) + ": " +
                                  status.error_message()};
  }
  const std::string name = health::HealthCheckResponse::ServingStatus_Name(response.status());
  if (response.status() == health::HealthCheckResponse::SERVING) return {Outcome::kServing, name};
  return {Outcome::kNotServing, name};
}

}  // namespace fleet::healthcheck
