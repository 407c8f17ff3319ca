// users-v1 (surfaces/users_v1.cpp) through the dispatcher over canned replies: sign-in as JSON
// or form, registration, superuser listing, self-or-superuser updates, and what each row sends.
#include <catch2/catch.hpp>

#include "support/gateway_harness.h"
#include "support/idempotency_checks.h"
#include "support/replies.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

namespace {
const std::string kRegister =
    R"({"email":"d@example.com","username":"dave","password":"pw1","full_name":"Dave"})";
}  // namespace

TEST_CASE("users-v1: register and login (JSON or form)") {
  Harness h;
  auto dave = make_account(5, userpb::ROLE_USER, "dave", "d@example.com");
  h.canned.reply<authpb::RegisterRequest>(register_response(dave, "tok-dave"));
  auto reg = h.call("POST", "/api/v1/auth/register", kRegister);
  REQUIRE(reg.status == 200);
  CHECK(reg.body == R"({"access_token":"tok-dave","token_type":"bearer"})");
  auto sent = h.canned.last<authpb::RegisterRequest>();
  CHECK(sent.account().email() == "d@example.com");
  CHECK(sent.account().username() == "dave");
  CHECK(sent.account().full_name() == "Dave");
  CHECK(sent.account().role() == userpb::ROLE_USER);
  CHECK(sent.password() == "pw1");
  CHECK(sent.issue_access_token());
  h.call("POST", "/api/v1/auth/register", R"({"email":"e@example.com","username":"e","password":"p"})");
  CHECK_FALSE(h.canned.last<authpb::RegisterRequest>().account().has_full_name());

  h.canned.fail<authpb::RegisterRequest>(grpc::StatusCode::ALREADY_EXISTS,
                                         "Username already exists");
  auto taken = h.call("POST", "/api/v1/auth/register", kRegister);
  CHECK(taken.status == 400);
  CHECK(taken.body == R"({"detail":"Username already exists"})");

  h.canned.forget();
  auto bad_email =
      h.call("POST", "/api/v1/auth/register", R"({"email":"nope","username":"e","password":"p"})");
  CHECK(bad_email.status == 422);
  CHECK(body_of(bad_email).at("detail").at(0).at("type") == "value_error");
  CHECK(h.canned.calls().empty());

  h.canned.reply<authpb::LoginRequest>(login_response(dave, "tok-login"));
  auto login = h.call("POST", "/api/v1/auth/login", R"({"username":"dave","password":"pw1"})");
  CHECK(login.body == R"({"access_token":"tok-login","token_type":"bearer"})");
  CHECK(h.canned.last<authpb::LoginRequest>().username() == "dave");
  CHECK(h.call("POST", "/api/v1/auth/login", "username=dave&password=pw1",
               {{"Content-Type", "application/x-www-form-urlencoded"}})
            .status == 200);
  CHECK(h.canned.last<authpb::LoginRequest>().password() == "pw1");
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNAUTHENTICATED, "Invalid credentials");
  CHECK(h.call("POST", "/api/v1/auth/login", R"({"username":"dave","password":"x"})").body ==
        R"({"detail":"Incorrect username or password"})");
}

TEST_CASE("users-v1: list (superuser) with skip and limit") {
  Harness h;
  CHECK(h.as(h.alice, "GET", "/api/v1/users/").status == 403);
  CHECK(h.canned.count<userpb::ListUsersRequest>() == 0);
  h.canned.reply<userpb::ListUsersRequest>(users_response({h.op, h.alice}));
  auto page = h.as(h.admin, "GET", "/api/v1/users?skip=1&limit=2");
  REQUIRE(page.status == 200);
  CHECK(body_of(page).as_array().size() == 2);
  CHECK(body_of(page).at(0).at("id") == h.op.id());
  CHECK(body_of(page).at(0).at("username") == "op");
  auto sent = h.canned.last<userpb::ListUsersRequest>();
  CHECK(sent.offset() == 1);
  CHECK(sent.limit() == 2);
  CHECK(h.as(h.admin, "GET", "/api/v1/users/").status == 200);
  CHECK(h.canned.last<userpb::ListUsersRequest>().offset() == 0);
  CHECK(h.canned.last<userpb::ListUsersRequest>().limit() == 100);
  CHECK(h.as(h.admin, "GET", "/api/v1/users/?limit=5000").status == 422);
}

TEST_CASE("users-v1: read, update with password, delete: oneself or a superuser") {
  Harness h;
  const auto id = "/api/v1/users/" + std::to_string(h.alice.id());
  auto self = h.as(h.alice, "GET", id);
  REQUIRE(self.status == 200);
  CHECK(self.body ==
        R"({"id":3,"email":"alice@example.com","username":"alice","full_name":null,)"
        R"("is_active":true,"is_superuser":false,"created_at":"2025-01-10T10:00:00Z",)"
        R"("updated_at":"2025-01-10T10:00:00Z"})");
  CHECK(h.as(h.bob, "GET", id).status == 403);
  CHECK(h.as(h.admin, "GET", "/api/v1/users/999").body == R"({"detail":"User not found"})");

  CHECK(h.as(h.bob, "PUT", id, R"({"full_name":"X"})").status == 403);
  CHECK(h.canned.count<userpb::UpdateUserRequest>() == 0);
  auto renamed = h.alice;
  renamed.set_full_name("Alice A");
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(renamed));
  h.canned.reply<authpb::SetPasswordRequest>(authpb::SetPasswordResponse{});
  auto put = h.as(h.alice, "PUT", id, R"({"full_name":"Alice A","password":"new-pw"})");
  REQUIRE(put.status == 200);
  CHECK(body_of(put).at("full_name") == "Alice A");
  auto update = h.canned.last<userpb::UpdateUserRequest>();
  CHECK(update.id() == h.alice.id());
  CHECK(update.full_name() == "Alice A");
  CHECK_FALSE(update.has_email());
  CHECK_FALSE(update.has_username());
  auto password = h.canned.last<authpb::SetPasswordRequest>();
  CHECK(password.user_id() == h.alice.id());
  CHECK(password.password() == "new-pw");
  CHECK(h.canned.types().back() == "SetPasswordRequest");

  // A password alone changes no profile field.
  h.canned.forget();
  CHECK(h.as(h.admin, "PUT", id, R"({"password":"pw2"})").status == 200);
  CHECK(h.canned.types() ==
        std::vector<std::string>{"GetUserRequest", "GetUserRequest", "SetPasswordRequest"});

  h.canned.reply<userpb::DeleteUserRequest>(userpb::DeleteUserResponse{});
  h.canned.reply<authpb::DeleteCredentialsRequest>(authpb::DeleteCredentialsResponse{});
  CHECK(h.as(h.alice, "DELETE", id).body == R"({"message":"User deleted successfully"})");
  CHECK(h.canned.last<authpb::DeleteCredentialsRequest>().user_id() == h.alice.id());
}

TEST_CASE("users-v1 register: X-Idempotency-Key, anonymous caller") {
  Harness h;
  const std::string body = R"({"email":"k@example.com","username":"kay","password":"pw"})";
  check_idempotency<authpb::RegisterRequest>(
      h,
      {"POST", "/api/v1/auth/register", body, "anonymous", 200,
       [&](Harness::Headers headers) {
         return h.call("POST", "/api/v1/auth/register", body, headers);
       }},
      register_response(make_account(5, userpb::ROLE_USER, "kay"), "tok-kay"), detail_body);

  h.canned.forget();
  auto bad = h.call("POST", "/api/v1/auth/register", body, {{"X-Idempotency-Key", "two words"}});
  CHECK(bad.status == 422);
  CHECK(issue_of(bad) ==
        R"({"type":"string_pattern_mismatch","loc":["header","x-idempotency-key"],"msg":"String should match pattern '^[!-~]+$'"})");
  CHECK(h.canned.calls().empty());
}
