// An in-process Server with a small UserService whose outcomes are chosen by the requested id.
#include "fleet/rpc/server.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "fleet/common/logging.h"
#include "fleet/db/db.h"
#include "fleet/rpc/server_metrics.h"
#include "fleet/rpc/unary.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "user/v1/user.grpc.pb.h"

namespace v1 = fleetgate::user::v1;
namespace health = grpc::health::v1;
using namespace std::chrono_literals;

namespace {

class TestUsers : public v1::UserService::CallbackService {
 public:
  explicit TestUsers(fleet::rpc::WorkerPool& pool) : pool_(pool) {}
  std::unique_ptr<v1::UserService::Stub> self;  // for the downstream call

  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* context,
                                    const v1::GetUserRequest* request,
                                    v1::GetUserResponse* response) override {
    return fleet::rpc::run_unary(context, pool_, [this, context, request, response] {
      switch (request->id()) {
        case 1:  // echoes the request id the handler sees
          response->mutable_account()->set_id(1);
          response->mutable_account()->set_username(fleet::log::current_request_id());
          response->mutable_account()->set_email(fleet::rpc::request_id(*context));
          return;
        case 2:
          throw fleet::DomainError(fleet::ErrorCode::kNotFound, "User not found");
        case 3:
          throw fleet::db::DuplicateKey(1062, "Duplicate entry 'secret@x.io' for key 'uq'", "uq");
        case 4:
          throw fleet::db::ConnectionLost(2013, "Lost connection: secret cause");
        case 5:
          throw std::runtime_error("secret cause");
        case 6: {  // calls GetUser(1) downstream and returns what it saw
          auto downstream = fleet::rpc::downstream_context(*context, 2s);
          v1::GetUserRequest inner;
          inner.set_id(1);
          const auto status = self->GetUser(downstream.get(), inner, response);
          if (!status.ok()) throw std::runtime_error(status.error_message());
          return;
        }
        case 10:  // slow work: in flight when a test sends SIGTERM
          std::this_thread::sleep_for(400ms);
          response->mutable_account()->set_id(10);
          return;
        case 8:    // reports how long a downstream call may take: min(incoming, 60 s)
        case 9: {  // ... and min(incoming, 100 ms)
          const auto timeout = request->id() == 8 ? std::chrono::milliseconds{60s} : 100ms;
          auto downstream = fleet::rpc::downstream_context(*context, timeout);
          const auto left = downstream->deadline() - std::chrono::system_clock::now();
          response->mutable_account()->set_id(
              std::chrono::duration_cast<std::chrono::milliseconds>(left).count());
          return;
        }
        default:
          throw 42;  // not even a std::exception
      }
    });
  }

 private:
  fleet::rpc::WorkerPool& pool_;
};

struct Fixture {
  fleet::rpc::WorkerPool workers{4};
  TestUsers service{workers};
  fleet::rpc::Server server{"test", "127.0.0.1:0"};
  std::shared_ptr<grpc::Channel> channel;

  Fixture() {
    server.add_service(&service);
    server.start();
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server.port()),
                                  grpc::InsecureChannelCredentials());
    service.self = v1::UserService::NewStub(channel);
  }

  grpc::Status get_user(std::int64_t id, v1::GetUserResponse* response = nullptr,
                        const std::string& request_id = "req-test") {
    v1::GetUserResponse ignored;
    v1::GetUserRequest request;
    request.set_id(id);
    auto context = fleet::rpc::client_context(5s, request_id);
    return service.self->GetUser(context.get(), request, response ? response : &ignored);
  }

  health::HealthCheckResponse::ServingStatus health_of(const std::string& name) {
    auto stub = health::Health::NewStub(channel);
    health::HealthCheckRequest request;
    request.set_service(name);
    health::HealthCheckResponse response;
    auto context = fleet::rpc::client_context(5s);
    const auto status = stub->Check(context.get(), request, &response);
    REQUIRE(status.ok());
    return response.status();
  }
};

}  // namespace

TEST_CASE("outcomes become status codes with client-safe text only", "[rpc][server]") {
  Fixture f;
  v1::GetUserResponse response;
  REQUIRE(f.get_user(1, &response).ok());
  CHECK(response.account().id() == 1);

  struct Expected {
    std::int64_t id;
    grpc::StatusCode code;
    std::string text;
  };
  for (const auto& [id, code, text] : {
           Expected{2, grpc::StatusCode::NOT_FOUND, "User not found"},
           Expected{3, grpc::StatusCode::ALREADY_EXISTS, "Already exists"},
           Expected{4, grpc::StatusCode::UNAVAILABLE, "Service unavailable"},
           Expected{5, grpc::StatusCode::INTERNAL, "Internal error"},
           Expected{7, grpc::StatusCode::INTERNAL, "Internal error"},
       }) {
    INFO("id " << id);
    const auto status = f.get_user(id);
    CHECK(status.error_code() == code);
    CHECK(status.error_message() == text);
    CHECK(status.error_message().find("secret") == std::string::npos);
    CHECK(status.error_details().find("secret") == std::string::npos);
  }
}

TEST_CASE("methods the service does not implement are UNIMPLEMENTED", "[rpc][server]") {
  Fixture f;
  v1::DeleteUserRequest request;
  v1::DeleteUserResponse response;
  auto context = fleet::rpc::client_context(5s);
  CHECK(f.service.self->DeleteUser(context.get(), request, &response).error_code() ==
        grpc::StatusCode::UNIMPLEMENTED);
}

TEST_CASE("health is NOT_SERVING until set_serving(true)", "[rpc][server]") {
  Fixture f;
  const std::string user_service = v1::UserService::service_full_name();
  CHECK(f.health_of("") == health::HealthCheckResponse::NOT_SERVING);
  CHECK(f.health_of(user_service) == health::HealthCheckResponse::NOT_SERVING);
  f.server.set_serving(true);
  CHECK(f.health_of("") == health::HealthCheckResponse::SERVING);
  CHECK(f.health_of(user_service) == health::HealthCheckResponse::SERVING);
  // The reflection service is registered too (its name is among the server's services).
  CHECK(f.health_of("grpc.reflection.v1alpha.ServerReflection") ==
        health::HealthCheckResponse::SERVING);
  f.server.set_serving(false);
  CHECK(f.health_of(user_service) == health::HealthCheckResponse::NOT_SERVING);
}

TEST_CASE("the request id reaches the handler and downstream calls", "[rpc][server]") {
  Fixture f;
  v1::GetUserResponse response;
  REQUIRE(f.get_user(1, &response, "req-abc").ok());
  CHECK(response.account().username() == "req-abc");  // in the log scope
  CHECK(response.account().email() == "req-abc");     // from the metadata

  response.Clear();
  REQUIRE(f.get_user(6, &response, "req-chain").ok());
  CHECK(response.account().username() == "req-chain");

  response.Clear();
  REQUIRE(f.get_user(1, &response, "").ok());
  CHECK(response.account().username().empty());
}

TEST_CASE("a downstream deadline is the earlier of the incoming one and the timeout",
          "[rpc][server]") {
  Fixture f;
  v1::GetUserResponse response;
  REQUIRE(f.get_user(8, &response).ok());  // the client allows 5 s
  CHECK(response.account().id() > 0);
  CHECK(response.account().id() <= 5100);  // grpc-timeout on the wire is rounded up
  REQUIRE(f.get_user(9, &response).ok());
  CHECK(response.account().id() <= 100);
}

TEST_CASE("run_until_signal returns after SIGTERM and stops the server", "[rpc][server]") {
  Fixture f;
  f.server.set_serving(true);
  std::thread sender([] {
    std::this_thread::sleep_for(100ms);
    kill(getpid(), SIGTERM);
  });
  f.server.run_until_signal();
  sender.join();
  CHECK(f.get_user(1).error_code() == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("a SIGTERM lets the calls in flight finish, then refuses new ones", "[rpc][server]") {
  Fixture f;
  f.server.set_serving(true);
  grpc::Status slow_status;
  v1::GetUserResponse slow_response;
  std::thread slow([&] { slow_status = f.get_user(10, &slow_response); });
  std::thread sender([] {
    std::this_thread::sleep_for(150ms);  // the slow call is running by now
    kill(getpid(), SIGTERM);
  });
  f.server.run_until_signal();
  slow.join();
  sender.join();
  CHECK(slow_status.ok());
  CHECK(slow_response.account().id() == 10);
  CHECK(f.get_user(1).error_code() == grpc::StatusCode::UNAVAILABLE);
}

TEST_CASE("every RPC is counted by service, method and status code", "[rpc][server][metrics]") {
  Fixture f;
  const std::string user_service = v1::UserService::service_full_name();
  REQUIRE(f.get_user(1).ok());
  REQUIRE(f.get_user(1).ok());
  CHECK(f.get_user(2).error_code() == grpc::StatusCode::NOT_FOUND);
  f.health_of("");

  const auto& metrics = f.server.metrics();
  CHECK(metrics.calls(user_service, "GetUser", grpc::StatusCode::OK) == 2);
  CHECK(metrics.calls(user_service, "GetUser", grpc::StatusCode::NOT_FOUND) == 1);
  CHECK(metrics.calls("grpc.health.v1.Health", "Check", grpc::StatusCode::OK) == 1);
  CHECK(metrics.calls(user_service, "DeleteUser", grpc::StatusCode::OK) == 0);

  const auto text = metrics.render();
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_grpc_server_handled_total{grpc_service=")" +
                                   user_service + R"(",grpc_method="GetUser",code="NOT_FOUND"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_grpc_server_handling_seconds_count{grpc_service=")" +
                                   user_service + R"(",grpc_method="GetUser"} 3)"));
}
