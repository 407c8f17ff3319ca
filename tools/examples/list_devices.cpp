// An internal consumer of a Fleetgate service, as another program would write one: it lists the
// rental devices with device-session's generated C++ stub. tools/examples/list_devices.py is the
// same client in Python; tests/e2e/test_grpc_clients.py runs both.
//   fleetgate-example-list-devices [HOST:PORT]   (default: $DEVICE_SESSION_ADDR or 127.0.0.1:50053)
// Prints one line per device: id, name, hourly cost and "running" or "idle", tab-separated.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "device_session/v1/device_session.grpc.pb.h"

namespace devicepb = fleetgate::device_session::v1;

int main(int argc, char** argv) {
  const char* from_env = std::getenv("DEVICE_SESSION_ADDR");
  const std::string address = argc > 1 ? argv[1] : from_env ? from_env : "127.0.0.1:50053";
  auto stub = devicepb::DeviceSessionService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

  grpc::ClientContext context;
  // Every call has a deadline; the request id shows up on the service's log lines.
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  context.AddMetadata("x-request-id", "example-list-devices-cpp");
  devicepb::ListDevicesResponse response;
  const grpc::Status status =
      stub->ListDevices(&context, devicepb::ListDevicesRequest{}, &response);
  if (!status.ok()) {
    std::cerr << "ListDevices failed: code " << status.error_code() << ": "
              << status.error_message() << '\n';
    return 1;
  }
  for (const auto& device : response.devices()) {
    std::cout << device.id() << '\t' << device.name() << '\t' << device.hourly_cost() << '\t'
              << (device.running() ? "running" : "idle") << '\n';
  }
  return 0;
}
