// streetlight's sign-in (surfaces/streetlight.cpp) through the dispatcher over canned replies:
// the {"status","message","data"} envelope, viewers by default and other roles by an admin only,
// its 400 texts, and what each row sends.
#include <catch2/catch.hpp>

#include "support/gateway_harness.h"
#include "support/idempotency_checks.h"
#include "support/replies.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

namespace {

const std::string kSam =
    R"({"name":"Sam","email":"sam@example.com","password":"pw","city":"Delhi"})";
const std::string kOperator =
    R"({"name":"O","email":"o2@x.io","password":"pw","city":"D","role":"operator"})";

userpb::Account sam(userpb::Role role = userpb::ROLE_USER) {
  auto account = make_account(5, role, "sam", "sam@example.com");
  account.set_full_name("Sam");
  account.set_city("Delhi");
  return account;
}

std::string envelope(int status, std::string_view message) {
  return R"({"status":)" + std::to_string(status) + R"(,"message":")" + std::string(message) +
         R"(","data":null})";
}

}  // namespace

TEST_CASE("streetlight: register a viewer") {
  Harness h;
  h.canned.reply<authpb::RegisterRequest>(register_response(sam(), "tok-sam"));
  auto viewer = h.call("POST", "/api/auth/register", kSam);
  REQUIRE(viewer.status == 201);
  CHECK(viewer.body ==
        R"({"status":201,"message":"User registered successfully","data":{"token":"tok-sam",)"
        R"("user":{"id":"5","name":"Sam","email":"sam@example.com","role":"viewer",)"
        R"("city":"Delhi"}}})");
  auto sent = h.canned.last<authpb::RegisterRequest>();
  CHECK(sent.account().full_name() == "Sam");
  CHECK(sent.account().email() == "sam@example.com");
  CHECK(sent.account().city() == "Delhi");
  CHECK(sent.account().role() == userpb::ROLE_USER);
  CHECK(sent.issue_access_token());

  // The service's duplicate, whatever its words, is the document's one text.
  h.canned.fail<authpb::RegisterRequest>(grpc::StatusCode::ALREADY_EXISTS,
                                         "Email already registered");
  CHECK(h.call("POST", "/api/auth/register", kSam).body == envelope(400, "User already exists"));

  h.canned.forget();
  CHECK(h.call("POST", "/api/auth/register",
               R"({"name":"S","email":"bad","password":"pw","city":"D"})")
            .body == envelope(400, "Invalid email"));
  CHECK(h.call("POST", "/api/auth/register",
               R"({"name":"S","email":"s2@x.io","password":"pw","city":"D","role":"king"})")
            .body == envelope(400, "Invalid role"));
  CHECK(h.call("POST", "/api/auth/register", R"({"name":"a"})").status == 400);
  CHECK(h.canned.calls().empty());

  check_idempotency<authpb::RegisterRequest>(
      h,
      {"POST", "/api/auth/register", kSam, "anonymous", 201,
       [&](Harness::Headers headers) {
         return h.call("POST", "/api/auth/register", kSam, headers);
       }},
      register_response(sam(), "tok-sam"),
      [](std::string_view text) { return envelope(text.starts_with("A request") ? 409 : 422, text); });
}

TEST_CASE("streetlight: another role needs an admin's token") {
  Harness h;
  auto none = h.call("POST", "/api/auth/register", kOperator);
  CHECK(none.status == 403);
  CHECK(none.body == envelope(403, "Insufficient permissions"));
  CHECK(h.as(h.op, "POST", "/api/auth/register", kOperator).status == 403);
  CHECK(h.call("POST", "/api/auth/register", kOperator, {{"Authorization", "Bearer junk"}}).body ==
        envelope(401, "Invalid or missing token"));
  h.accounts.erase(h.admin.id());
  CHECK(h.as(h.admin, "POST", "/api/auth/register", kOperator).status == 401);
  h.accounts.put(h.admin);
  CHECK(h.canned.count<authpb::RegisterRequest>() == 0);

  h.canned.reply<authpb::RegisterRequest>(register_response(sam(userpb::ROLE_OPERATOR), "t"));
  auto made = h.as(h.admin, "POST", "/api/auth/register", kOperator, {{"X-Idempotency-Key", "k"}});
  REQUIRE(made.status == 201);
  CHECK(body_of(made).at("data").at("user").at("role") == "operator");
  auto sent = h.canned.last_call<authpb::RegisterRequest>();
  CHECK(sent.as<authpb::RegisterRequest>().account().role() == userpb::ROLE_OPERATOR);
  CHECK(sent.metadata_value("x-caller-id") == std::to_string(h.admin.id()));
}

TEST_CASE("streetlight: login") {
  Harness h;
  h.canned.reply<authpb::LoginRequest>(login_response(sam(), "tok-sam"));
  auto login = h.call("POST", "/api/auth/login", R"({"email":"sam@example.com","password":"pw"})");
  CHECK(login.status == 200);
  CHECK(body_of(login).at("message") == "Login successful");
  CHECK(body_of(login).at("data").at("token") == "tok-sam");
  CHECK(h.canned.last<authpb::LoginRequest>().email() == "sam@example.com");
  CHECK_FALSE(h.canned.last<authpb::LoginRequest>().has_username());
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNAUTHENTICATED, "wrong password");
  CHECK(h.call("POST", "/api/auth/login", R"({"email":"sam@example.com","password":"x"})").body ==
        envelope(401, "Invalid credentials"));
  h.canned.forget();
  CHECK(h.call("POST", "/api/auth/login", R"({"email":"sam@example.com"})").body ==
        envelope(400, "Missing credentials"));
  CHECK(h.canned.calls().empty());
}
