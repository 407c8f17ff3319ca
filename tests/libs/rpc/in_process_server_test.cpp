// The gRPC test fixture: a service in process on a free port, health included, and a stub.
#include "fleet/rpc/testing/in_process_server.h"

#include <catch2/catch.hpp>

#include "grpc/health/v1/health.grpc.pb.h"
#include "user/v1/user.grpc.pb.h"

namespace v1 = fleetgate::user::v1;
namespace health = grpc::health::v1;
using fleet::rpc::testing::context;
using fleet::rpc::testing::InProcessServer;
using namespace std::chrono_literals;

namespace {

class EchoUsers final : public v1::UserService::Service {
 public:
  grpc::Status GetUser(grpc::ServerContext* c, const v1::GetUserRequest* request,
                       v1::GetUserResponse* response) override {
    response->mutable_account()->set_id(request->id());
    const auto it = c->client_metadata().find("x-request-id");
    if (it != c->client_metadata().end()) {
      response->mutable_account()->set_username(std::string(it->second.data(), it->second.size()));
    }
    return grpc::Status::OK;
  }
};

health::HealthCheckResponse::ServingStatus health_of(
    const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = health::Health::NewStub(channel);
  health::HealthCheckRequest request;
  health::HealthCheckResponse response;
  REQUIRE(stub->Check(context(5s).get(), request, &response).ok());
  return response.status();
}

}  // namespace

TEST_CASE("the fixture serves on a free port and its stub reaches the service", "[rpc][testing]") {
  EchoUsers service;
  InProcessServer<v1::UserService> served(service, "fixture-test");
  CHECK(served.port() > 0);
  CHECK(served.address() == "127.0.0.1:" + std::to_string(served.port()));

  v1::GetUserRequest request;
  request.set_id(42);
  v1::GetUserResponse response;
  REQUIRE(served.stub().GetUser(context(5s, "req-fixture").get(), request, &response).ok());
  CHECK(response.account().id() == 42);
  CHECK(response.account().username() == "req-fixture");
  CHECK(served->GetUser(context().get(), request, &response).ok());
}

TEST_CASE("the fixture's health is NOT_SERVING until set, as in production", "[rpc][testing]") {
  EchoUsers service;
  InProcessServer<v1::UserService> served(service);
  CHECK(health_of(served.channel()) == health::HealthCheckResponse::NOT_SERVING);
  served.server().set_serving(true);
  CHECK(health_of(served.channel()) == health::HealthCheckResponse::SERVING);
}

TEST_CASE("two fixtures at once get different ports", "[rpc][testing]") {
  EchoUsers a_service, b_service;
  InProcessServer<v1::UserService> a(a_service), b(b_service);
  CHECK(a.port() != b.port());
}

TEST_CASE("context() sets a deadline from now", "[rpc][testing]") {
  const auto c = context(2s);
  const auto left = c->deadline() - std::chrono::system_clock::now();
  CHECK(left > 1s);
  CHECK(left <= 2s);
}
