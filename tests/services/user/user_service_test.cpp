// The gRPC adapter in process, over the in-memory repository: encoding, decoding, status codes.
#include "api/user_service.h"

#include <catch2/catch.hpp>

#include "fake_user_repository.h"
#include "fleet/rpc/testing/in_process_server.h"
#include "fleet/rpc/unary.h"

using namespace std::chrono_literals;
namespace v1 = fleetgate::user::v1;

namespace {

struct Harness {
  fleet::ManualClock clock;
  fleet::user::testing::FakeUserRepository repository;
  fleet::user::AccountHub hub;
  fleet::user::Users users{repository, clock, &hub};
  fleet::rpc::WorkerPool workers{2};
  fleet::user::UserService service{users, hub, workers, 64};
  fleet::rpc::testing::InProcessServer<v1::UserService> server{service, "user-test"};

  template <class Request, class Response>
  grpc::Status call(grpc::Status (v1::UserService::Stub::*method)(grpc::ClientContext*,
                                                                  const Request&, Response*),
                    const Request& request, Response* response) {
    auto context = fleet::rpc::client_context(5s, "req-user-test");
    return (server.stub().*method)(context.get(), request, response);
  }

  std::int64_t create(const std::string& username) {
    v1::CreateUserRequest request;
    request.mutable_account()->set_username(username);
    v1::CreateUserResponse response;
    REQUIRE(call(&v1::UserService::Stub::CreateUser, request, &response).ok());
    return response.account().id();
  }
};

// A WatchAccounts stream read on the test's thread.
struct Feed {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::AccountChange>> reader;
  explicit Feed(Harness& h) {
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    reader = h.server.stub().WatchAccounts(&context, v1::WatchAccountsRequest{});
  }
  v1::AccountChange next() {
    v1::AccountChange change;
    REQUIRE(reader->Read(&change));
    return change;
  }
};

}  // namespace

TEST_CASE("CreateUser fills defaults and reports duplicates by field", "[user][api]") {
  Harness h;
  v1::CreateUserRequest request;
  request.mutable_account()->set_username("alice");
  request.mutable_account()->set_email("");  // present but empty: absent
  v1::CreateUserResponse response;
  REQUIRE(h.call(&v1::UserService::Stub::CreateUser, request, &response).ok());
  const auto& account = response.account();
  CHECK(account.id() == 1);
  CHECK(account.username() == "alice");
  CHECK_FALSE(account.has_email());
  CHECK(account.role() == v1::ROLE_USER);
  CHECK(account.is_active());
  CHECK(account.created_at().seconds() == 1'700'000'000);

  const auto duplicate = h.call(&v1::UserService::Stub::CreateUser, request, &response);
  CHECK(duplicate.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(duplicate.error_message() == "Username already exists");

  v1::CreateUserRequest empty;
  CHECK(h.call(&v1::UserService::Stub::CreateUser, empty, &response).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("FindUser, GetUser, UpdateUser, ListUsers and DeleteUser", "[user][api]") {
  Harness h;
  v1::CreateUserRequest create;
  create.mutable_account()->set_phone("555-0100");
  create.mutable_account()->set_role(v1::ROLE_OPERATOR);
  v1::CreateUserResponse created;
  REQUIRE(h.call(&v1::UserService::Stub::CreateUser, create, &created).ok());
  CHECK(created.account().role() == v1::ROLE_OPERATOR);
  const auto id = created.account().id();

  v1::FindUserRequest find;
  v1::FindUserResponse found;
  const auto none = h.call(&v1::UserService::Stub::FindUser, find, &found);
  CHECK(none.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  find.set_phone("555-0100");
  REQUIRE(h.call(&v1::UserService::Stub::FindUser, find, &found).ok());
  CHECK(found.account().id() == id);

  v1::UpdateUserRequest update;
  update.set_id(id);
  update.set_full_name("Olga Operator");
  update.set_role(v1::ROLE_UNSPECIFIED);  // leaves the role alone
  update.set_is_active(false);
  v1::UpdateUserResponse updated;
  REQUIRE(h.call(&v1::UserService::Stub::UpdateUser, update, &updated).ok());
  CHECK(updated.account().full_name() == "Olga Operator");
  CHECK(updated.account().role() == v1::ROLE_OPERATOR);
  CHECK_FALSE(updated.account().is_active());
  CHECK(updated.account().phone() == "555-0100");

  update.set_role(static_cast<v1::Role>(42));
  CHECK(h.call(&v1::UserService::Stub::UpdateUser, update, &updated).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  v1::ListUsersRequest list;
  list.set_limit(10);
  v1::ListUsersResponse listed;
  REQUIRE(h.call(&v1::UserService::Stub::ListUsers, list, &listed).ok());
  CHECK(listed.accounts_size() == 1);
  list.set_limit(1001);
  CHECK(h.call(&v1::UserService::Stub::ListUsers, list, &listed).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);

  v1::DeleteUserRequest remove;
  remove.set_id(id);
  v1::DeleteUserResponse removed;
  REQUIRE(h.call(&v1::UserService::Stub::DeleteUser, remove, &removed).ok());
  v1::GetUserRequest get;
  get.set_id(id);
  v1::GetUserResponse got;
  const auto missing = h.call(&v1::UserService::Stub::GetUser, get, &got);
  CHECK(missing.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(missing.error_message() == "User not found");
}

TEST_CASE("WatchAccounts: a snapshot, ready, then every change and deletion with its version",
          "[user][api]") {
  Harness h;
  const auto ann = h.create("ann");
  const auto bo = h.create("bo");
  Feed feed(h);
  auto change = feed.next();
  CHECK(change.kind() == v1::AccountChange::KIND_SNAPSHOT);
  CHECK(change.account().id() == ann);
  CHECK(change.account().version() == 1);
  CHECK(feed.next().account().id() == bo);
  CHECK(feed.next().kind() == v1::AccountChange::KIND_READY);

  v1::UpdateUserRequest update;
  update.set_id(ann);
  update.set_role(v1::ROLE_OPERATOR);
  v1::UpdateUserResponse updated;
  REQUIRE(h.call(&v1::UserService::Stub::UpdateUser, update, &updated).ok());
  CHECK(updated.account().version() == 2);
  change = feed.next();
  CHECK(change.kind() == v1::AccountChange::KIND_CHANGED);
  CHECK(change.account().role() == v1::ROLE_OPERATOR);
  CHECK(change.account().version() == 2);

  update.clear_role();
  update.set_is_active(false);
  REQUIRE(h.call(&v1::UserService::Stub::UpdateUser, update, &updated).ok());
  change = feed.next();
  CHECK_FALSE(change.account().is_active());
  CHECK(change.account().version() == 3);

  v1::DeleteUserRequest remove;
  remove.set_id(ann);
  v1::DeleteUserResponse removed;
  REQUIRE(h.call(&v1::UserService::Stub::DeleteUser, remove, &removed).ok());
  CHECK(removed.version() == 4);
  change = feed.next();
  CHECK(change.kind() == v1::AccountChange::KIND_DELETED);
  CHECK(change.account().id() == ann);
  CHECK(change.account().version() == 4);

  const auto cy = h.create("cy");
  change = feed.next();
  CHECK(change.kind() == v1::AccountChange::KIND_CHANGED);
  CHECK(change.account().id() == cy);
  CHECK(change.account().version() == 1);

  // A failed change publishes nothing: the next message is the one after it.
  update.set_id(999);
  CHECK(h.call(&v1::UserService::Stub::UpdateUser, update, &updated).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  h.create("dee");
  CHECK(feed.next().account().username() == "dee");
}

TEST_CASE("WatchAccounts: a watcher that does not read is ended with RESOURCE_EXHAUSTED",
          "[user][api]") {
  Harness h;
  Feed feed(h);
  CHECK(feed.next().kind() == v1::AccountChange::KIND_READY);
  fleet::user::Account big;
  big.id = 1;
  big.full_name = std::string(64 * 1024, 'x');
  for (int i = 1; i <= 5000 && h.hub.watchers() > 0; ++i) {
    big.version = i;
    h.hub.publish({fleet::user::AccountChange::Kind::kChanged, big});
  }
  v1::AccountChange change;
  int read = 0;
  while (feed.reader->Read(&change)) ++read;
  CHECK(feed.reader->Finish().error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(read < 5000);
}
