// The gRPC helper in process: a UserService whose CreateUser is made exactly-once with one call
// to fleet::idempotency::run_unary, the way any service adopts it.
#include "fleet/idempotency/unary.h"

#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <future>

#include "fleet/rpc/server.h"
#include "test_database.h"
#include "user/v1/user.grpc.pb.h"

using namespace std::chrono_literals;
namespace upb = fleetgate::user::v1;

namespace {

constexpr fleet::db::Migration kMigrations[] = {
    {1, "create_accounts",
     "CREATE TABLE accounts (id BIGINT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(64))"
     " ENGINE=InnoDB"},
    fleet::idempotency::migration(2),
    fleet::idempotency::error_migration(3),
};

class Accounts final : public upb::UserService::CallbackService {
 public:
  Accounts(fleet::rpc::WorkerPool& workers, fleet::idempotency::Store& store)
      : workers_(workers), store_(store) {}

  grpc::ServerUnaryReactor* CreateUser(grpc::CallbackServerContext* context,
                                       const upb::CreateUserRequest* request,
                                       upb::CreateUserResponse* response) override {
    return fleet::idempotency::run_unary(
        context, workers_, store_, response,
        [this, request, response](fleet::db::Connection& conn) {
          if (request->account().username() == "gate") gate.get_future().wait();
          conn.execute("INSERT INTO accounts (username) VALUES (?)",
                       {request->account().username()});
          response->mutable_account()->set_id(static_cast<std::int64_t>(conn.last_insert_id()));
          response->mutable_account()->set_username(request->account().username());
        },
        [this] { ++committed; });
  }

  std::promise<void> gate;
  std::atomic<int> committed{0};

 private:
  fleet::rpc::WorkerPool& workers_;
  fleet::idempotency::Store& store_;
};

struct Harness {
  fleet::db::testing::TestDatabase db;
  fleet::ManualClock clock;
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<fleet::idempotency::Store> store;
  fleet::rpc::WorkerPool workers{4};
  std::unique_ptr<Accounts> service;
  fleet::rpc::Server server{"idempotency-test", "127.0.0.1:0"};
  std::unique_ptr<upb::UserService::Stub> stub;

  Harness() {
    fleet::db::migrate(db.config(), kMigrations);
    pool = std::make_unique<fleet::db::Pool>(db.config());
    store = std::make_unique<fleet::idempotency::Store>(*pool, clock);
    service = std::make_unique<Accounts>(workers, *store);
    server.add_service(service.get());
    server.start();
    stub = upb::UserService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server.port()), grpc::InsecureChannelCredentials()));
  }
  ~Harness() { server.shutdown(); }

  struct Reply {
    grpc::Status status;
    upb::CreateUserResponse response;
    std::string trailer;
  };
  Reply create(const std::string& username, const std::string& key = {},
               const std::string& fingerprint = "fp-a") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    if (!key.empty()) {
      context.AddMetadata("x-idempotency-key", key);
      context.AddMetadata("x-idempotency-fingerprint", fingerprint);
      context.AddMetadata("x-caller-id", "42");
    }
    upb::CreateUserRequest request;
    request.mutable_account()->set_username(username);
    Reply reply;
    reply.status = stub->CreateUser(&context, request, &reply.response);
    const auto& trailers = context.GetServerTrailingMetadata();
    if (auto it = trailers.find("x-idempotency"); it != trailers.end()) {
      reply.trailer.assign(it->second.data(), it->second.size());
    }
    return reply;
  }
  std::int64_t accounts() {
    return pool->acquire()->query_one("SELECT COUNT(*) FROM accounts")->i64(0);
  }
};

}  // namespace

TEST_CASE("a replayed call returns the first response byte for byte, with no second effect",
          "[idempotency][grpc]") {
  Harness h;
  const auto first = h.create("ann", "key-1");
  REQUIRE(first.status.ok());
  CHECK(first.trailer.empty());
  const auto second = h.create("ann", "key-1");
  REQUIRE(second.status.ok());
  CHECK(second.trailer == "replayed");
  CHECK(second.response.SerializeAsString() == first.response.SerializeAsString());
  CHECK(h.accounts() == 1);
  CHECK(h.service->committed == 1);  // after_commit does not run on a replay
}

TEST_CASE("a different request with the key is INVALID_ARGUMENT with trailer mismatch",
          "[idempotency][grpc]") {
  Harness h;
  REQUIRE(h.create("ann", "key-1", "fp-a").status.ok());
  const auto other = h.create("bob", "key-1", "fp-b");
  CHECK(other.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(other.status.error_message() == "Idempotency key was used with a different request");
  CHECK(other.trailer == "mismatch");
  CHECK(h.accounts() == 1);
}

TEST_CASE("a repeat while the first is in flight is ABORTED with trailer in-flight",
          "[idempotency][grpc]") {
  Harness h;
  auto first = std::async(std::launch::async, [&] { return h.create("gate", "key-g"); });
  // Wait until the first call holds its claim.
  for (int i = 0; i < 200; ++i) {
    if (h.pool->acquire()->query_one("SELECT COUNT(*) FROM idempotency_keys")->i64(0) == 1) break;
    std::this_thread::sleep_for(10ms);
  }
  const auto repeat = h.create("gate", "key-g");
  CHECK(repeat.status.error_code() == grpc::StatusCode::ABORTED);
  CHECK(repeat.status.error_message() == "A request with this idempotency key is in progress");
  CHECK(repeat.trailer == "in-flight");
  h.service->gate.set_value();
  CHECK(first.get().status.ok());
  CHECK(h.create("gate", "key-g").trailer == "replayed");
  CHECK(h.accounts() == 1);
}

TEST_CASE("calls without a key run every time", "[idempotency][grpc]") {
  Harness h;
  CHECK(h.create("ann").status.ok());
  CHECK(h.create("ann").status.ok());
  CHECK(h.accounts() == 2);
  CHECK(h.service->committed == 2);
}
