// rental's accounts (surfaces/rental.cpp) through the dispatcher over canned replies: form
// sign-in, self-or-admin access, cash from device-session's wallets, and what each row sends.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "support/gateway_harness.h"
#include "support/idempotency_checks.h"
#include "support/replies.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;
namespace json = boost::json;

namespace {

const Harness::Headers kForm{{"Content-Type", "application/x-www-form-urlencoded"}};

// GetWallets answers each asked id with its cash here ("0.00" for the others).
void wallets(Harness& h, std::map<std::int64_t, std::string> cash) {
  h.canned.on<dspb::GetWalletsRequest>(
      [cash = std::move(cash)](const dspb::GetWalletsRequest& request, const Metadata&) {
        dspb::GetWalletsResponse response;
        for (auto id : request.user_ids()) {
          auto* wallet = response.add_wallets();
          wallet->set_user_id(id);
          wallet->set_cash(cash.contains(id) ? cash.at(id) : "0.00");
        }
        return response;
      });
}

std::string user_path(const Harness::Account& who) { return "/user/" + std::to_string(who.id()); }

bool has(const http::Response& r, std::string_view text) {
  return r.body.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("rental: sign-in with form fields") {
  Harness h;
  h.canned.reply<authpb::LoginRequest>(login_response(h.alice, "tok-alice"));
  auto ok = h.call("POST", "/auth/token", "username=alice&password=alice-pw", kForm);
  REQUIRE(ok.status == 200);
  CHECK(ok.body == R"({"access_token":"tok-alice","token_type":"bearer","user_id":3})");
  auto sent = h.canned.last_call<authpb::LoginRequest>();
  CHECK(sent.as<authpb::LoginRequest>().username() == "alice");
  CHECK(sent.as<authpb::LoginRequest>().password() == "alice-pw");
  CHECK_FALSE(sent.as<authpb::LoginRequest>().has_email());
  CHECK_FALSE(sent.as<authpb::LoginRequest>().issue_refresh_token());
  CHECK(sent.metadata_value("x-request-id") == "test-request");

  auto multipart = h.call(
      "POST", "/auth/token",
      "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nalice-pw\r\n--b--\r\n",
      {{"Content-Type", "multipart/form-data; boundary=b"}});
  CHECK(multipart.status == 200);
  CHECK(h.canned.last<authpb::LoginRequest>().username() == "alice");

  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNAUTHENTICATED, "Invalid credentials");
  auto bad = h.call("POST", "/auth/token", "username=alice&password=nope", kForm);
  CHECK(bad.status == 401);
  CHECK(bad.body == R"({"detail":"Incorrect username or password"})");
  CHECK(bad.header("WWW-Authenticate") == "Bearer");

  h.canned.forget();
  auto missing = h.call("POST", "/auth/token", "password=x", kForm);
  CHECK(missing.status == 422);
  CHECK(missing.body ==
        R"({"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required"}]})");
  CHECK(h.canned.calls().empty());
}

TEST_CASE("rental: accounts, self or admin") {
  Harness h;
  wallets(h, {});
  auto self = h.as(h.alice, "GET", user_path(h.alice));
  REQUIRE(self.status == 200);
  CHECK(body_of(self).at("name") == "alice");
  CHECK(body_of(self).at("is_admin") == false);
  // Oneself needs no second GetUser: the principal is the account.
  CHECK(h.canned.types() == std::vector<std::string>{"GetUserRequest", "GetWalletsRequest"});

  h.canned.forget();
  CHECK(h.as(h.alice, "GET", user_path(h.bob)).body == R"({"detail":"Not enough permissions"})");
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == 0);
  CHECK(h.as(h.admin, "GET", user_path(h.bob)).status == 200);
  CHECK(h.canned.last<userpb::GetUserRequest>().id() == h.bob.id());
  CHECK(h.as(h.admin, "GET", "/user/999").body == R"({"detail":"User not found"})");
  CHECK(h.as(h.alice, "GET", "/user/999").status == 403);

  auto not_int = h.as(h.alice, "GET", "/user/abc");
  CHECK(not_int.status == 422);
  CHECK(body_of(not_int).at("detail").at(0).at("loc") == json::array{"path", "uid"});

  auto no_token = h.call("GET", "/user/1");
  CHECK(no_token.status == 401);
  CHECK(no_token.body == R"({"detail":"Not authenticated"})");
  auto bad_token = h.call("GET", "/user/1", {}, {{"Authorization", "Bearer nope"}});
  CHECK(bad_token.body == R"({"detail":"Could not validate credentials"})");

  CHECK(h.as(h.alice, "GET", "/user/all").status == 403);
  CHECK(h.canned.count<userpb::ListUsersRequest>() == 0);
  h.canned.reply<userpb::ListUsersRequest>(users_response({h.admin, h.op, h.alice, h.bob}));
  auto all = h.as(h.admin, "GET", "/user/all");
  REQUIRE(all.status == 200);
  CHECK(body_of(all).as_array().size() == 4);
  CHECK(body_of(all).at(2).at("name") == "alice");
  auto page = h.canned.last<userpb::ListUsersRequest>();
  CHECK(page.offset() == 0);
  CHECK(page.limit() == 1000);  // the user service's page
}

TEST_CASE("rental: the token's account must exist and be active") {
  Harness h;
  wallets(h, {});
  h.accounts.erase(h.alice.id());
  auto gone = h.as(h.alice, "GET", user_path(h.alice));
  CHECK(gone.status == 401);
  CHECK(gone.body == R"({"detail":"Could not validate credentials"})");

  auto inactive = h.bob;
  inactive.set_is_active(false);
  h.accounts.put(inactive);
  auto refused = h.as(h.bob, "GET", user_path(h.bob));
  CHECK(refused.status == 403);
  CHECK(refused.body == R"({"detail":"User is inactive"})");
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == 0);

  // Any other failure of the principal's GetUser is the upstream error, generic for a 5xx.
  h.canned.fail<userpb::GetUserRequest>(grpc::StatusCode::UNAVAILABLE, "db down at 10.0.0.5");
  auto down = h.as(h.admin, "GET", user_path(h.admin));
  CHECK(down.status == 503);
  CHECK(down.body == R"({"detail":"Service unavailable"})");
}

TEST_CASE("rental: create, patch, delete") {
  Harness h;
  wallets(h, {});
  CHECK(h.as(h.alice, "POST", "/user", R"({"name":"carol","password":"pw"})").status == 403);
  CHECK(h.canned.count<authpb::RegisterRequest>() == 0);

  auto carol = make_account(5, userpb::ROLE_ADMIN, "carol");
  h.canned.reply<authpb::RegisterRequest>(register_response(carol));
  auto created =
      h.as(h.admin, "POST", "/user", R"({"name":"carol","password":"pw","is_admin":true})");
  REQUIRE(created.status == 200);
  CHECK(body_of(created).at("is_admin") == true);
  CHECK(has(created, R"("cash":0.00,)"));  // a new account has no wallet yet
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == 0);
  auto registered = h.canned.last<authpb::RegisterRequest>();
  CHECK(registered.account().username() == "carol");
  CHECK(registered.account().role() == userpb::ROLE_ADMIN);
  CHECK(registered.password() == "pw");
  CHECK_FALSE(registered.issue_access_token());
  h.as(h.admin, "POST", "/user", R"({"name":"carol","password":"pw"})");
  CHECK(h.canned.last<authpb::RegisterRequest>().account().role() == userpb::ROLE_USER);
  // The service's refusal, in its client-safe words.
  h.canned.fail<authpb::RegisterRequest>(grpc::StatusCode::ALREADY_EXISTS,
                                         "Username already exists");
  auto taken = h.as(h.admin, "POST", "/user", R"({"name":"carol","password":"pw"})");
  CHECK(taken.status == 400);
  CHECK(taken.body == R"({"detail":"Username already exists"})");

  const auto uid = user_path(h.alice);
  h.canned.forget();
  CHECK(h.as(h.alice, "PATCH", uid, R"({"cash":5})").status == 403);
  CHECK(h.as(h.alice, "PATCH", uid, R"({"cash":-1})").status == 422);
  CHECK(h.canned.types() == std::vector<std::string>{"GetUserRequest"});  // the principal only

  auto alicia = h.alice;
  alicia.set_username("alicia");
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(alicia));
  auto renamed = h.as(h.alice, "PATCH", uid, R"({"name":"alicia"})");
  REQUIRE(renamed.status == 200);
  CHECK(body_of(renamed).at("name") == "alicia");
  auto update = h.canned.last<userpb::UpdateUserRequest>();
  CHECK(update.id() == h.alice.id());
  CHECK(update.username() == "alicia");
  CHECK_FALSE(update.has_email());
  CHECK_FALSE(update.has_role());
  CHECK_FALSE(update.has_is_active());
  h.canned.fail<userpb::UpdateUserRequest>(grpc::StatusCode::NOT_FOUND, "no row");
  CHECK(h.as(h.admin, "PATCH", "/user/999", R"({"name":"x"})").body ==
        R"({"detail":"User not found"})");

  CHECK(h.as(h.alice, "DELETE", user_path(h.bob)).status == 403);
  CHECK(h.canned.count<userpb::DeleteUserRequest>() == 0);
  h.canned.reply<userpb::DeleteUserRequest>(userpb::DeleteUserResponse{});
  h.canned.reply<authpb::DeleteCredentialsRequest>(authpb::DeleteCredentialsResponse{});
  h.canned.forget();
  auto deleted = h.as(h.alice, "DELETE", uid);
  CHECK(deleted.body == R"({"message":"User deleted successfully"})");
  CHECK(h.canned.types() == std::vector<std::string>{"GetUserRequest", "DeleteUserRequest",
                                                      "DeleteCredentialsRequest"});
  CHECK(h.canned.last<userpb::DeleteUserRequest>().id() == h.alice.id());
  CHECK(h.canned.last<authpb::DeleteCredentialsRequest>().user_id() == h.alice.id());

  // An account already gone: 404, and its credentials are left to the service.
  h.canned.fail<userpb::DeleteUserRequest>(grpc::StatusCode::NOT_FOUND, "no row");
  h.canned.forget();
  CHECK(h.as(h.admin, "DELETE", "/user/999").body == R"({"detail":"User not found"})");
  CHECK(h.canned.count<authpb::DeleteCredentialsRequest>() == 0);
}

TEST_CASE("rental: cash from the wallets on every UserResponse, admin SetCash") {
  Harness h;
  wallets(h, {{h.alice.id(), "10.00"}});
  const auto alice = user_path(h.alice);
  auto mine = h.as(h.alice, "GET", alice);
  CHECK(mine.body ==
        R"({"uid":3,"name":"alice","cash":10.00,"creation_time":"2025-01-10T10:00:00Z",)"
        R"("is_admin":false})");
  CHECK(h.canned.last<dspb::GetWalletsRequest>().user_ids(0) == h.alice.id());
  CHECK(has(h.as(h.admin, "GET", user_path(h.bob)), R"("cash":0.00,)"));

  h.canned.reply<userpb::ListUsersRequest>(users_response({h.admin, h.op, h.alice, h.bob}));
  h.canned.forget();
  auto all = h.as(h.admin, "GET", "/user/all");
  REQUIRE(all.status == 200);
  REQUIRE(h.canned.count<dspb::GetWalletsRequest>() == 1);  // one batched call
  CHECK(h.canned.last<dspb::GetWalletsRequest>().user_ids_size() == 4);
  const auto users = body_of(all);
  for (const auto& user : users.as_array()) CHECK(user.at("cash").is_double());
  CHECK(has(all, R"("cash":10.00,)"));

  // A wallet missing from the answer is the service's bug: a generic 500.
  h.canned.reply<dspb::GetWalletsRequest>(dspb::GetWalletsResponse{});
  auto short_answer = h.as(h.alice, "GET", alice);
  CHECK(short_answer.status == 500);
  CHECK(short_answer.body == R"({"detail":"Internal server error"})");
  wallets(h, {{h.alice.id(), "10.00"}});

  h.canned.on<dspb::SetCashRequest>([](const dspb::SetCashRequest& request, const Metadata&) {
    dspb::SetCashResponse response;
    response.mutable_wallet()->set_user_id(request.user_id());
    response.mutable_wallet()->set_cash("25.50");  // the service's canonical text
    return response;
  });
  auto set = h.as(h.admin, "PATCH", alice, R"({"cash":25.5})");
  REQUIRE(set.status == 200);
  CHECK(has(set, R"("cash":25.50,)"));
  auto sent = h.canned.last<dspb::SetCashRequest>();
  CHECK(sent.user_id() == h.alice.id());
  CHECK(sent.cash() == "25.5");  // the client's exact decimal
  CHECK(sent.actor_user_id() == h.admin.id());
  CHECK(h.canned.last<userpb::GetUserRequest>().id() == h.alice.id());
  CHECK(h.canned.count<userpb::UpdateUserRequest>() == 0);
  h.as(h.admin, "PATCH", alice, R"({"cash":0})");
  CHECK(h.canned.last<dspb::SetCashRequest>().cash() == "0");

  auto alicia = h.alice;
  alicia.set_username("alicia");
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(alicia));
  auto both = h.as(h.admin, "PATCH", alice, R"({"name":"alicia","cash":1.25})");
  REQUIRE(both.status == 200);
  CHECK(body_of(both).at("name") == "alicia");
  CHECK(h.canned.last<dspb::SetCashRequest>().cash() == "1.25");

  h.canned.forget();
  auto places = h.as(h.admin, "PATCH", alice, R"({"cash":1.005})");
  CHECK(places.status == 422);
  CHECK(
      issue_of(places) ==
      R"({"type":"decimal_max_places","loc":["body","cash"],"msg":"Decimal input should have no more than 2 decimal places"})");
  auto huge = h.as(h.admin, "PATCH", alice, R"({"cash":1e11})");
  CHECK(body_of(huge).at("detail").at(0).at("type") == "less_than_equal");
  CHECK(h.as(h.alice, "PATCH", alice, R"({"cash":5})").status == 403);
  CHECK(h.canned.count<dspb::SetCashRequest>() == 0);
}

TEST_CASE("rental POST /user: X-Idempotency-Key with the admin as the caller") {
  Harness h;
  const std::string body = R"({"name":"newbie","password":"pw"})";
  check_idempotency<authpb::RegisterRequest>(
      h,
      {"POST", "/user", body, std::to_string(h.admin.id()), 200,
       [&](Harness::Headers headers) { return h.as(h.admin, "POST", "/user", body, headers); }},
      register_response(make_account(9, userpb::ROLE_USER, "newbie")), detail_body);
}
