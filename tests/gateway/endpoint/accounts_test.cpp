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
