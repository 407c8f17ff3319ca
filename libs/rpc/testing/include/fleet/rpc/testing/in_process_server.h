#pragma once
// The gRPC test fixture: services served in process by a real fleet::rpc::Server on a free
// loopback port (port 0), plus a stub of `Grpc` (the generated service class, e.g.
// fleetgate::user::v1::UserService) connected to it. Health and reflection are served as in
// production; health says NOT_SERVING until server().set_serving(true). The server stops on
// destruction: declare the fixture after the services it serves.
//
//   FakeUserService fake;
//   fleet::rpc::testing::InProcessServer<fleetgate::user::v1::UserService> served(fake);
//   served.stub().GetUser(fleet::rpc::testing::context().get(), request, &response);
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>

#include "fleet/rpc/server.h"

namespace fleet::rpc::testing {

template <class Grpc>
class InProcessServer {
 public:
  using Stub = typename Grpc::Stub;

  explicit InProcessServer(grpc::Service& service, std::string name = "test")
      : InProcessServer({&service}, std::move(name)) {}
  InProcessServer(std::initializer_list<grpc::Service*> services, std::string name = "test")
      : server_(std::move(name), "127.0.0.1:0") {
    for (grpc::Service* service : services) server_.add_service(service);
    server_.start();
    channel_ = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
    stub_ = Grpc::NewStub(channel_);
  }
  ~InProcessServer() { server_.shutdown(); }
  InProcessServer(const InProcessServer&) = delete;
  InProcessServer& operator=(const InProcessServer&) = delete;

  Stub& stub() { return *stub_; }
  Stub* operator->() { return stub_.get(); }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  int port() const { return server_.port(); }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  fleet::rpc::Server& server() { return server_; }

 private:
  fleet::rpc::Server server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
};

// A client context whose deadline is `timeout` from now, carrying x-request-id when given.
inline std::unique_ptr<grpc::ClientContext> context(
    std::chrono::milliseconds timeout = std::chrono::seconds{10},
    const std::string& request_id = {}) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  if (!request_id.empty()) context->AddMetadata("x-request-id", request_id);
  return context;
}

}  // namespace fleet::rpc::testing
