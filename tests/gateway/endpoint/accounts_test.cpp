// The account operations rows share (endpoint/accounts.cpp), through rows that use them: pages
// of at most 1000 accounts per ListUsers call, and the wallets batched for them.
#include <catch2/catch.hpp>

#include "support/gateway_harness.h"
#include "support/replies.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

namespace {

// ListUsers over `total` accounts (ids 1..total), answering the page asked for.
void directory_of(Harness& h, std::int64_t total) {
  h.canned.on<userpb::ListUsersRequest>(
      [total](const userpb::ListUsersRequest& request, const Metadata&) {
        userpb::ListUsersResponse response;
        for (auto id = request.offset() + 1; id <= std::min(total, request.offset() + request.limit());
             ++id) {
          *response.add_accounts() = make_account(id, userpb::ROLE_USER, "u" + std::to_string(id));
        }
        return response;
      });
}

std::vector<std::pair<std::int64_t, std::int64_t>> pages(const Harness& h) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& page : h.canned.sent<userpb::ListUsersRequest>()) {
    out.emplace_back(page.offset(), page.limit());
  }
  return out;
}

}  // namespace

TEST_CASE("accounts: every account in pages of 1000, until a short page") {
  Harness h;
  directory_of(h, 2500);
  h.canned.on<dspb::GetWalletsRequest>([](const dspb::GetWalletsRequest& request, const Metadata&) {
    dspb::GetWalletsResponse response;
    for (auto id : request.user_ids()) {
      auto* wallet = response.add_wallets();
      wallet->set_user_id(id);
      wallet->set_cash("0.00");
    }
    return response;
  });
  auto all = h.as(h.admin, "GET", "/user/all");
  REQUIRE(all.status == 200);
  const auto users = body_of(all);
  REQUIRE(users.as_array().size() == 2500);
  CHECK(users.at(1000).at("uid") == 1001);
  CHECK(pages(h) == std::vector<std::pair<std::int64_t, std::int64_t>>{
                        {0, 1000}, {1000, 1000}, {2000, 1000}});
  CHECK(h.canned.count<dspb::GetWalletsRequest>() == 1);  // up to 10,000 accounts per call

  // A page that comes back full asks for the next one; exactly 1000 ends with an empty page.
  h.canned.forget();
  directory_of(h, 1000);
  CHECK(body_of(h.as(h.admin, "GET", "/user/all")).as_array().size() == 1000);
  CHECK(pages(h) == std::vector<std::pair<std::int64_t, std::int64_t>>{{0, 1000}, {1000, 1000}});
}

TEST_CASE("accounts: a bounded list asks for exactly its page") {
  Harness h;
  directory_of(h, 2500);
  auto listed = h.as(h.admin, "GET", "/api/v1/users/?skip=1500&limit=1000");
  REQUIRE(listed.status == 200);
  CHECK(body_of(listed).as_array().size() == 1000);
  CHECK(pages(h) == std::vector<std::pair<std::int64_t, std::int64_t>>{{1500, 1000}});
  CHECK(body_of(h.as(h.admin, "GET", "/api/v1/users/?skip=2400&limit=1000")).as_array().size() ==
        100);
  CHECK(body_of(h.as(h.admin, "GET", "/api/v1/users/?limit=0")).as_array().empty());
  CHECK(pages(h).back() == std::pair<std::int64_t, std::int64_t>{2400, 1000});
}

TEST_CASE("accounts: auth's full hashing pool is a quick 429 with Retry-After on every login and "
          "registration row, in each surface's body") {
  Harness h;
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::RESOURCE_EXHAUSTED, "Too many requests");
  h.canned.fail<authpb::RegisterRequest>(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                         "Too many requests");
  const std::string detail = R"({"detail":"Too many requests"})";
  const std::string streetlight = R"({"status":429,"message":"Too many requests","data":null})";
  const std::string pisync = R"({"message":"Too many requests"})";
  const Harness::Headers form = {{"Content-Type", "application/x-www-form-urlencoded"}};
  struct Case {
    std::string what;
    http::Response response;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"rental login", h.call("POST", "/auth/token", "username=a&password=p", form), detail},
      {"rental create user",
       h.as(h.admin, "POST", "/user", R"({"name":"carol","password":"pw"})"), detail},
      {"users-v1 login", h.call("POST", "/api/v1/auth/login", R"({"username":"a","password":"p"})"),
       detail},
      {"users-v1 register",
       h.call("POST", "/api/v1/auth/register",
              R"({"email":"d@example.com","username":"dave","password":"pw1"})"),
       detail},
      {"repair login", h.call("POST", "/v1/auth/login", R"({"phone":"5555555555","password":"p"})"),
       detail},
      {"repair register",
       h.call("POST", "/v1/auth/register",
              R"({"full_name":"Eve","phone":"5555555555","email":"eve@example.com","password":"pw"})"),
       detail},
      {"repair create user",
       h.as(h.admin, "POST", "/v1/users",
            R"({"full_name":"Eve","phone":"5555555555","email":"eve@example.com","password":"pw"})"),
       detail},
      {"streetlight login",
       h.call("POST", "/api/auth/login", R"({"email":"sam@example.com","password":"pw"})"),
       streetlight},
      {"streetlight register",
       h.call("POST", "/api/auth/register",
              R"({"name":"Sam","email":"sam@example.com","password":"pw","city":"Delhi"})"),
       streetlight},
      {"pisync login", h.call("POST", "/pisync/auth/login", R"({"username":"pi","password":"pw"})"),
       pisync},
      {"pisync register",
       h.call("POST", "/pisync/auth/register", R"({"username":"pi","password":"pw"})"), pisync},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    CHECK(c.response.status == 429);
    CHECK(c.response.body == c.body);
    CHECK(c.response.header("Retry-After") == "1");
  }
  CHECK(h.canned.count<authpb::LoginRequest>() == 5);
  CHECK(h.canned.count<authpb::RegisterRequest>() == 6);
}

TEST_CASE("accounts: a password change refused by auth's full hashing pool is 429 too") {
  Harness h;
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(h.alice));
  h.canned.fail<authpb::SetPasswordRequest>(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                            "Too many requests");
  auto put = h.as(h.alice, "PUT", "/api/v1/users/" + std::to_string(h.alice.id()),
                  R"({"password":"new-pw"})");
  CHECK(put.status == 429);
  CHECK(put.body == R"({"detail":"Too many requests"})");
  CHECK(put.header("Retry-After") == "1");
}
