// repair's accounts (surfaces/repair.cpp) through the dispatcher over canned replies: phone
// sign-in with refresh tokens, staff and customer access, is_staff, and what each row sends.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "support/gateway_harness.h"
#include "support/idempotency_checks.h"
#include "support/replies.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

namespace {

const std::string kEve =
    R"({"full_name":"Eve","phone":"5555555555","email":"eve@example.com","password":"pw"})";

userpb::Account eve() {
  auto account = make_account(5, userpb::ROLE_USER, "eve", "eve@example.com", "5555555555");
  account.set_full_name("Eve");
  return account;
}

std::string refresh_body(std::string_view token) {
  return R"({"refresh_token":")" + std::string(token) + "\"}";
}

}  // namespace

TEST_CASE("repair: register") {
  Harness h;
  h.canned.reply<authpb::RegisterRequest>(register_response(eve()));
  auto reg = h.call("POST", "/v1/auth/register", kEve);
  REQUIRE(reg.status == 201);
  CHECK(body_of(reg).at("is_staff") == false);
  CHECK(body_of(reg).at("phone") == "5555555555");
  auto sent = h.canned.last<authpb::RegisterRequest>();
  CHECK(sent.account().full_name() == "Eve");
  CHECK(sent.account().phone() == "5555555555");
  CHECK(sent.account().email() == "eve@example.com");
  CHECK(sent.account().role() == userpb::ROLE_USER);
  CHECK_FALSE(sent.account().has_username());  // the user service derives one
  CHECK(sent.password() == "pw");
  CHECK_FALSE(sent.issue_access_token());

  h.canned.fail<authpb::RegisterRequest>(grpc::StatusCode::ALREADY_EXISTS,
                                         "Phone already registered");
  auto taken = h.call("POST", "/v1/auth/register", kEve);
  CHECK(taken.status == 400);
  CHECK(taken.body == R"({"detail":"Phone already registered"})");

  h.canned.forget();
  CHECK(h.call("POST", "/v1/auth/register", R"({"phone":"1"})").status == 422);
  CHECK(h.canned.calls().empty());

  check_idempotency<authpb::RegisterRequest>(
      h,
      {"POST", "/v1/auth/register", kEve, "anonymous", 201,
       [&](Harness::Headers headers) { return h.call("POST", "/v1/auth/register", kEve, headers); }},
      register_response(eve()), detail_body);
}

TEST_CASE("repair: login, refresh, logout") {
  Harness h;
  h.canned.reply<authpb::LoginRequest>(login_response(eve(), "tok-a", "rt-1"));
  auto login = h.call("POST", "/v1/auth/login", R"({"phone":"5555555555","password":"pw"})");
  REQUIRE(login.status == 200);
  CHECK(body_of(login).at("tokens") ==
        boost::json::parse(
            R"({"access_token":"tok-a","refresh_token":"rt-1","token_type":"bearer"})"));
  CHECK(body_of(login).at("user").at("full_name") == "Eve");
  auto sent = h.canned.last<authpb::LoginRequest>();
  CHECK(sent.phone() == "5555555555");
  CHECK_FALSE(sent.has_username());
  CHECK(sent.issue_refresh_token());

  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNAUTHENTICATED, "wrong password");
  CHECK(h.call("POST", "/v1/auth/login", R"({"phone":"5555555555","password":"x"})").body ==
        R"({"detail":"Invalid credentials"})");
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::PERMISSION_DENIED, "inactive");
  auto inactive = h.call("POST", "/v1/auth/login", R"({"phone":"5555555555","password":"pw"})");
  CHECK(inactive.status == 403);
  CHECK(inactive.body == R"({"detail":"User is inactive"})");

  authpb::RefreshResponse refreshed;
  refreshed.set_access_token("tok-b");
  h.canned.reply<authpb::RefreshRequest>(refreshed);
  auto plain = h.call("POST", "/v1/auth/refresh", refresh_body("rt-1"));
  REQUIRE(plain.status == 200);
  CHECK(plain.body == R"({"access_token":"tok-b","token_type":"bearer"})");
  CHECK(h.canned.last<authpb::RefreshRequest>().refresh_token() == "rt-1");
  refreshed.set_refresh_token("rt-2");  // rotation on
  h.canned.reply<authpb::RefreshRequest>(refreshed);
  CHECK(body_of(h.call("POST", "/v1/auth/refresh", refresh_body("rt-1"))).at("refresh_token") ==
        "rt-2");

  h.canned.reply<authpb::LogoutRequest>(authpb::LogoutResponse{});
  CHECK(h.call("POST", "/v1/auth/logout", refresh_body("rt-1")).body ==
        R"({"message":"Logged out successfully"})");
  CHECK(h.canned.last<authpb::LogoutRequest>().refresh_token() == "rt-1");

  // Whatever the auth service says of a refresh token it refuses, the client sees one 401.
  for (auto code : {grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::NOT_FOUND,
                    grpc::StatusCode::INVALID_ARGUMENT}) {
    h.canned.fail<authpb::RefreshRequest>(code, "revoked");
    h.canned.fail<authpb::LogoutRequest>(code, "revoked");
    auto refused = h.call("POST", "/v1/auth/refresh", refresh_body("rt-1"));
    CHECK(refused.status == 401);
    CHECK(refused.body == R"({"detail":"Invalid or expired refresh token"})");
    CHECK(h.call("POST", "/v1/auth/logout", refresh_body("rt-1")).body == refused.body);
  }
}

TEST_CASE("repair: a customer lists only their own row, staff page through all") {
  Harness h;
  auto own = h.as(h.alice, "GET", "/v1/users");
  REQUIRE(own.status == 200);
  REQUIRE(body_of(own).as_array().size() == 1);
  CHECK(body_of(own).at(0).at("id") == h.alice.id());
  CHECK(body_of(h.as(h.alice, "GET", "/v1/users?offset=1")).as_array().empty());
  CHECK(h.canned.count<userpb::ListUsersRequest>() == 0);

  h.canned.reply<userpb::ListUsersRequest>(users_response({h.admin, h.op, h.alice}));
  CHECK(body_of(h.as(h.op, "GET", "/v1/users?limit=3")).as_array().size() == 3);
  CHECK(h.canned.last<userpb::ListUsersRequest>().limit() == 3);
  CHECK(h.canned.last<userpb::ListUsersRequest>().offset() == 0);
  h.as(h.op, "GET", "/v1/users");
  CHECK(h.canned.last<userpb::ListUsersRequest>().limit() == 10);
  CHECK(h.as(h.op, "GET", "/v1/users?limit=0").status == 422);
}

TEST_CASE("repair: who may read, update and delete") {
  Harness h;
  const auto bob = "/v1/users/" + std::to_string(h.bob.id());
  const auto admin = "/v1/users/" + std::to_string(h.admin.id());
  CHECK(h.as(h.alice, "GET", bob).status == 403);
  CHECK(h.as(h.op, "GET", bob).body ==
        R"({"id":4,"full_name":null,"phone":"3333333333","email":"bob@example.com",)"
        R"("profile_picture":null,"is_active":true,"is_staff":false,)"
        R"("created_at":"2025-01-10T10:00:00"})");
  CHECK(h.as(h.op, "GET", "/v1/users/999").status == 404);

  CHECK(h.as(h.alice, "PATCH", bob, R"({"full_name":"B"})").status == 403);
  CHECK(h.as(h.op, "PATCH", bob, R"({"is_staff":true})").status == 403);
  CHECK(h.as(h.op, "PATCH", admin, R"({"full_name":"A"})").status == 403);
  CHECK(h.canned.count<userpb::UpdateUserRequest>() == 0);

  auto pictured = h.bob;
  pictured.set_profile_picture("https://x.io/b.png");
  pictured.set_full_name("Bob B");
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(pictured));
  auto pic = h.as(h.op, "PATCH", bob,
                  R"({"profile_picture":"https://x.io/b.png","full_name":"Bob B"})");
  REQUIRE(pic.status == 200);
  CHECK(body_of(pic).at("profile_picture") == "https://x.io/b.png");
  auto update = h.canned.last<userpb::UpdateUserRequest>();
  CHECK(update.id() == h.bob.id());
  CHECK(update.profile_picture() == "https://x.io/b.png");
  CHECK(update.full_name() == "Bob B");
  CHECK_FALSE(update.has_role());
  CHECK_FALSE(update.has_is_active());
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(h.bob));
  CHECK(body_of(h.as(h.op, "PATCH", bob, R"({"profile_picture":null})"))
            .at("profile_picture")
            .is_null());
  CHECK(h.canned.last<userpb::UpdateUserRequest>().has_profile_picture());  // null clears it
  CHECK(h.canned.last<userpb::UpdateUserRequest>().profile_picture().empty());
  h.as(h.op, "PATCH", bob, R"({"is_active":false})");
  CHECK(h.canned.last<userpb::UpdateUserRequest>().is_active() == false);

  auto promoted = h.bob;
  promoted.set_role(userpb::ROLE_OPERATOR);
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(promoted));
  CHECK(body_of(h.as(h.admin, "PATCH", bob, R"({"is_staff":true})")).at("is_staff") == true);
  CHECK(h.canned.last<userpb::UpdateUserRequest>().role() == userpb::ROLE_OPERATOR);
  h.as(h.admin, "PATCH", bob, R"({"is_staff":false})");
  CHECK(h.canned.last<userpb::UpdateUserRequest>().role() == userpb::ROLE_USER);
  h.as(h.admin, "PATCH", admin, R"({"is_staff":true})");  // an admin stays admin
  CHECK_FALSE(h.canned.last<userpb::UpdateUserRequest>().has_role());

  h.canned.reply<userpb::DeleteUserRequest>(userpb::DeleteUserResponse{});
  h.canned.reply<authpb::DeleteCredentialsRequest>(authpb::DeleteCredentialsResponse{});
  CHECK(h.as(h.alice, "DELETE", bob).status == 403);
  CHECK(h.as(h.op, "DELETE", admin).status == 403);
  CHECK(h.canned.count<userpb::DeleteUserRequest>() == 0);
  auto gone = h.as(h.op, "DELETE", "/v1/users/" + std::to_string(h.alice.id()));
  CHECK(gone.status == 204);
  CHECK(gone.body.empty());
  CHECK(h.canned.last<userpb::DeleteUserRequest>().id() == h.alice.id());
  CHECK(h.canned.last<authpb::DeleteCredentialsRequest>().user_id() == h.alice.id());
}

TEST_CASE("repair: only an admin creates accounts, is_staff makes an operator") {
  Harness h;
  const std::string body =
      R"({"full_name":"F","phone":"6","email":"f@x.io","password":"p","is_staff":true})";
  CHECK(h.as(h.op, "POST", "/v1/users", body).status == 403);
  CHECK(h.canned.count<authpb::RegisterRequest>() == 0);
  auto staff = make_account(6, userpb::ROLE_OPERATOR, "f", "f@x.io", "6");
  h.canned.reply<authpb::RegisterRequest>(register_response(staff));
  auto made = h.as(h.admin, "POST", "/v1/users", body);
  CHECK(made.status == 201);
  CHECK(body_of(made).at("is_staff") == true);
  CHECK(h.canned.last<authpb::RegisterRequest>().account().role() == userpb::ROLE_OPERATOR);
  h.as(h.admin, "POST", "/v1/users", R"({"full_name":"F","phone":"6","email":"f@x.io","password":"p"})");
  CHECK(h.canned.last<authpb::RegisterRequest>().account().role() == userpb::ROLE_USER);
}
