// Service addresses naming several replicas (issue 12): the target each form becomes, and calls
// spread round robin over live SERVING replicas, leaving a stopped or NOT_SERVING one out.
#include "fleet/rpc/channel.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <stdexcept>
#include <thread>

#include "fleet/rpc/testing/in_process_server.h"
#include "user/v1/user.grpc.pb.h"

namespace v1 = fleetgate::user::v1;
using fleet::rpc::channel_target;
using fleet::rpc::testing::context;
using fleet::rpc::testing::InProcessServer;
using namespace std::chrono_literals;

TEST_CASE("one host:port and scheme targets are passed on unchanged", "[rpc][channel]") {
  CHECK(channel_target("127.0.0.1:50052") == "127.0.0.1:50052");
  CHECK(channel_target("localhost:50052") == "localhost:50052");
  CHECK(channel_target(" user:50052 ") == "user:50052");
  CHECK(channel_target("[::1]:50052") == "[::1]:50052");
  CHECK(channel_target("dns:///user-headless:50052") == "dns:///user-headless:50052");
  CHECK(channel_target("ipv4:10.0.0.1:1,10.0.0.2:1") == "ipv4:10.0.0.1:1,10.0.0.2:1");
  CHECK(channel_target("unix:/run/user.sock") == "unix:/run/user.sock");
}

TEST_CASE("a comma-separated list of replicas becomes an ipv4: or ipv6: target",
          "[rpc][channel]") {
  CHECK(channel_target("127.0.0.1:50052,127.0.0.1:60052") == "ipv4:127.0.0.1:50052,127.0.0.1:60052");
  CHECK(channel_target("10.0.0.1:1, 10.0.0.2:2 ,10.0.0.3:3") == "ipv4:10.0.0.1:1,10.0.0.2:2,10.0.0.3:3");
  CHECK(channel_target("[::1]:50052,[fe80::1]:50052") == "ipv6:[::1]:50052,[fe80::1]:50052");
}

TEST_CASE("a malformed address is refused with the reason", "[rpc][channel]") {
  CHECK_THROWS_AS(channel_target(""), std::invalid_argument);
  CHECK_THROWS_AS(channel_target("   "), std::invalid_argument);
  CHECK_THROWS_WITH(channel_target("127.0.0.1:1,"), Catch::Contains("empty item"));
  CHECK_THROWS_WITH(channel_target("127.0.0.1:1,,127.0.0.1:2"), Catch::Contains("empty item"));
  CHECK_THROWS_WITH(channel_target("127.0.0.1:1,127.0.0.1"), Catch::Contains("no port"));
  CHECK_THROWS_WITH(channel_target("127.0.0.1:1,127.0.0.1:0"), Catch::Contains("no port"));
  CHECK_THROWS_WITH(channel_target("127.0.0.1:1,127.0.0.1:65536"), Catch::Contains("no port"));
  CHECK_THROWS_WITH(channel_target("user-0:1,user-1:1"), Catch::Contains("dns:///"));
  CHECK_THROWS_WITH(channel_target("127.0.0.1:1,[::1]:1"), Catch::Contains("mixes"));
  CHECK_THROWS_WITH(channel_target("999.0.0.1:1,127.0.0.1:1"), Catch::Contains("not an IP"));
}

namespace {

// Answers GetUser with its own name as the username, so a test sees which replica served.
class NamedUsers final : public v1::UserService::Service {
 public:
  explicit NamedUsers(std::string name) : name_(std::move(name)) {}
  grpc::Status GetUser(grpc::ServerContext*, const v1::GetUserRequest*,
                       v1::GetUserResponse* response) override {
    response->mutable_account()->set_username(name_);
    return grpc::Status::OK;
  }

 private:
  std::string name_;
};

// Which replica answered (nullopt: the call failed).
std::optional<std::string> served_by(v1::UserService::Stub& stub) {
  v1::GetUserResponse response;
  if (!stub.GetUser(context(2s).get(), v1::GetUserRequest(), &response).ok()) return std::nullopt;
  return response.account().username();
}

}  // namespace

TEST_CASE("calls spread over every replica of a list and skip a stopped one", "[rpc][channel]") {
  NamedUsers a_users("a"), b_users("b");
  InProcessServer<v1::UserService> a(a_users);
  std::optional<InProcessServer<v1::UserService>> b(std::in_place, b_users);
  a.server().set_serving(true);
  b->server().set_serving(true);
  auto stub = v1::UserService::NewStub(fleet::rpc::make_channel(a.address() + "," + b->address()));

  std::map<std::string, int> count;
  // The first calls may find only one replica connected yet; round robin reaches both soon.
  for (int i = 0; i < 200 && count.size() < 2; ++i) {
    if (auto who = served_by(*stub)) ++count[*who];
  }
  CHECK(count.size() == 2);
  count.clear();
  for (int i = 0; i < 20; ++i) ++count[served_by(*stub).value_or("failed")];
  CHECK(count["a"] == 10);
  CHECK(count["b"] == 10);

  b.reset();  // replica b goes away: at most the call racing the disconnect fails
  int failed = 0;
  count.clear();
  for (int i = 0; i < 20; ++i) {
    if (auto who = served_by(*stub)) {
      ++count[*who];
    } else {
      ++failed;
    }
  }
  CHECK(failed <= 1);
  CHECK(count["a"] >= 19);
  CHECK(count.count("b") == 0);
}

TEST_CASE("a replica that reports NOT_SERVING gets no calls until it serves again",
          "[rpc][channel]") {
  NamedUsers a_users("a"), b_users("b");
  InProcessServer<v1::UserService> a(a_users);
  InProcessServer<v1::UserService> b(b_users);
  a.server().set_serving(true);
  auto stub = v1::UserService::NewStub(fleet::rpc::make_channel(a.address() + "," + b.address()));

  std::map<std::string, int> count;
  for (int i = 0; i < 20; ++i) ++count[served_by(*stub).value_or("failed")];
  CHECK(count["a"] == 20);  // b has not said SERVING yet (a service still starting)

  b.server().set_serving(true);
  count.clear();
  for (int i = 0; i < 200 && count["b"] == 0; ++i) {
    if (auto who = served_by(*stub)) ++count[*who];
  }
  CHECK(count["b"] > 0);

  b.server().set_serving(false);  // shutting down, or its database away
  std::this_thread::sleep_for(200ms);
  count.clear();
  for (int i = 0; i < 20; ++i) ++count[served_by(*stub).value_or("failed")];
  CHECK(count["a"] == 20);
}
