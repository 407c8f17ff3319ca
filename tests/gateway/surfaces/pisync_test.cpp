// pisync's sign-in (surfaces/pisync.cpp) through the dispatcher over canned replies: the
// {"message"} body, its 400 texts, X-Idempotency-Key, and what each row sends.
#include <catch2/catch.hpp>

#include "support/gateway_harness.h"
#include "support/idempotency_checks.h"
#include "support/replies.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

namespace {
const std::string kPi = R"({"username":"pi","password":"pw"})";

std::string message_body(std::string_view text) {
  return R"({"message":")" + std::string(text) + "\"}";
}
}  // namespace

TEST_CASE("pisync: register and login") {
  Harness h;
  const auto pi = make_account(5, userpb::ROLE_USER, "pi");
  h.canned.reply<authpb::RegisterRequest>(register_response(pi, "tok-pi"));
  auto reg = h.call("POST", "/pisync/auth/register", kPi);
  REQUIRE(reg.status == 201);
  CHECK(reg.body == R"({"message":"User registered successfully.","token":"tok-pi"})");
  auto sent = h.canned.last<authpb::RegisterRequest>();
  CHECK(sent.account().username() == "pi");
  CHECK(sent.account().role() == userpb::ROLE_USER);
  CHECK(sent.password() == "pw");
  CHECK(sent.issue_access_token());
  h.canned.fail<authpb::RegisterRequest>(grpc::StatusCode::ALREADY_EXISTS,
                                         "Username already exists");
  auto taken = h.call("POST", "/pisync/auth/register", kPi);
  CHECK(taken.status == 400);
  CHECK(taken.body == message_body("Username already exists"));

  h.canned.forget();
  CHECK(h.call("POST", "/pisync/auth/register", R"({"username":"pi"})").body ==
        message_body("Username and password are required"));
  CHECK(h.call("POST", "/pisync/auth/login", R"({"username":"a"})").status == 400);
  CHECK(h.canned.calls().empty());

  h.canned.reply<authpb::LoginRequest>(login_response(pi, "tok-login"));
  auto login = h.call("POST", "/pisync/auth/login", kPi);
  CHECK(login.status == 200);
  CHECK(login.body == R"({"message":"Login successful.","token":"tok-login"})");
  CHECK(h.canned.last<authpb::LoginRequest>().username() == "pi");
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNAUTHENTICATED, "Invalid credentials");
  CHECK(h.call("POST", "/pisync/auth/login", R"({"username":"pi","password":"x"})").body ==
        message_body("Invalid username or password."));
}

TEST_CASE("pisync register: X-Idempotency-Key, 422 for a mismatch and 400 for a bad key") {
  Harness h;
  check_idempotency<authpb::RegisterRequest>(
      h,
      {"POST", "/pisync/auth/register", kPi, "anonymous", 201,
       [&](Harness::Headers headers) {
         return h.call("POST", "/pisync/auth/register", kPi, headers);
       }},
      register_response(make_account(5, userpb::ROLE_USER, "pi"), "tok-pi"), message_body);

  h.canned.forget();
  auto bad = h.call("POST", "/pisync/auth/register", kPi,
                    {{"X-Idempotency-Key", std::string(256, 'k')}});
  CHECK(bad.status == 400);
  CHECK(bad.body == message_body("Invalid idempotency key"));
  CHECK(h.canned.calls().empty());
}
