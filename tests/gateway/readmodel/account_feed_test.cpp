// The account read model behind every authenticated row (readmodel/account_feed.*,
// endpoint/accounts.cpp, endpoint/pipeline.cpp): WatchAccounts opened through Upstream::stream
// and driven by FakeStreams; principals and account reads from memory while current (no
// GetUser), a deletion refused at once on every surface and its sockets closed with 1008,
// read-your-writes, and GetUser again once the feed is lost.
#include "readmodel/account_feed.h"

#include <catch2/catch.hpp>

#include "support/account_changes.h"
#include "support/fake_socket.h"
#include "support/gateway_harness.h"
#include "support/replies.h"

namespace fleet::gateway::testing {
namespace {

using namespace std::chrono_literals;
using Feed = userpb::WatchAccountsRequest;

struct Fixture {
  Harness h;
  std::shared_ptr<readmodel::AccountFeed> feed =
      readmodel::follow_accounts(h.hub_ioc, h.upstream, h.account_model, {1ms, 1ms});

  ~Fixture() { feed->stop(); }

  void snapshot() {
    for (const auto* account : {&h.admin, &h.op, &h.alice, &h.bob}) {
      h.streams.push<Feed>(account_change(userpb::AccountChange::KIND_SNAPSHOT, *account, 1));
    }
    h.streams.push<Feed>(accounts_ready());
  }
  // Lets the subscription's backoff timer reopen the stream.
  void reopen() {
    const auto before = h.streams.of<Feed>().size();
    for (int i = 0; i < 200 && h.streams.of<Feed>().size() == before; ++i) {
      h.hub_ioc.restart();
      h.hub_ioc.run_for(5ms);
    }
    REQUIRE(h.streams.open_count<Feed>() == 1);
  }
};

}  // namespace

TEST_CASE("account read model: principals and account reads from memory once ready") {
  Fixture f;
  auto& h = f.h;
  REQUIRE(h.streams.open_count<Feed>() == 1);
  // Before the snapshot is ready: GetUser, as before.
  CHECK(h.as(h.admin, "GET", "/api/v1/users/4").status == 200);
  CHECK(h.canned.count<userpb::GetUserRequest>() == 2);  // the principal, then the target
  h.canned.forget();

  f.snapshot();
  auto read = h.as(h.admin, "GET", "/api/v1/users/4");
  CHECK(read.status == 200);
  CHECK(body_of(read).at("username") == "bob");
  CHECK(h.as(h.admin, "GET", "/v1/users/3").status == 200);
  CHECK(h.canned.count<userpb::GetUserRequest>() == 0);

  auto metrics = h.call("GET", "/metrics").body;
  CHECK(metrics.find("fleetgate_account_model_current 1\n") != std::string::npos);
  CHECK(metrics.find("fleetgate_read_model_reads_total{model=\"account\",result=\"hit\"} 4") !=
        std::string::npos);
}

TEST_CASE("account read model: a deletion is refused at once on every surface, sockets close") {
  Fixture f;
  auto& h = f.h;
  f.snapshot();
  const auto token = h.token_for(h.alice);
  auto upgrade = h.upgrade("/api/v1/ws/c1?token=" + token);
  REQUIRE(upgrade.handler);
  auto socket = std::make_shared<FakeSocket>();
  upgrade.handler->on_open(socket);
  CHECK(h.sockets.size() == 1);

  h.streams.push<Feed>(account_deleted(h.alice.id(), 2));
  CHECK(socket->closed());
  CHECK(socket->close_code() == ws::CloseCode::kPolicyViolation);
  upgrade.handler->on_close(ws::CloseReason::kServer);
  CHECK(h.sockets.size() == 0);

  // The user service still answers GetUser with the account (the canned one): never asked.
  const std::pair<std::string, std::string> surfaces[] = {
      {"/user/3", R"({"detail":"Could not validate credentials"})"},
      {"/api/v1/users/3", R"({"detail":"Could not validate credentials"})"},
      {"/v1/users/3", R"({"detail":"Could not validate credentials"})"},
      {"/api/lights/list", R"({"status":401,"message":"Invalid or missing token","data":null})"},
      {"/pisync/devices", R"({"message":"Invalid auth token"})"},
  };
  for (const auto& [path, body] : surfaces) {
    CAPTURE(path);
    auto refused = h.as(h.alice, "GET", path);
    CHECK(refused.status == 401);
    CHECK(refused.body == body);
  }
  CHECK(h.upgrade("/api/v1/ws/c2?token=" + token).refusal.status == 401);
  CHECK(h.canned.count<userpb::GetUserRequest>() == 0);

  // Deactivation: the documented 403, and the sockets close too.
  auto bob_socket = std::make_shared<FakeSocket>();
  h.upgrade("/api/v1/ws/c3?token=" + h.token_for(h.bob)).handler->on_open(bob_socket);
  auto inactive = h.bob;
  inactive.set_is_active(false);
  h.streams.push<Feed>(account_change(userpb::AccountChange::KIND_CHANGED, inactive, 2));
  CHECK(bob_socket->closed());
  auto forbidden = h.as(h.bob, "GET", "/api/v1/users/4");
  CHECK(forbidden.status == 403);
  CHECK(forbidden.body == R"({"detail":"User is inactive"})");
}

TEST_CASE("account read model: own writes are read back at once, late events ignored") {
  Fixture f;
  auto& h = f.h;
  f.snapshot();
  auto alicia = h.alice;
  alicia.set_username("alicia");
  alicia.set_version(5);
  h.canned.reply<userpb::UpdateUserRequest>(updated_response(alicia));
  REQUIRE(h.as(h.alice, "PUT", "/api/v1/users/3", R"({"username":"alicia"})").status == 200);
  h.streams.push<Feed>(account_change(userpb::AccountChange::KIND_CHANGED, h.alice, 4));  // late
  auto read = h.as(h.alice, "GET", "/api/v1/users/3");
  CHECK(body_of(read).at("username") == "alicia");

  userpb::DeleteUserResponse gone;
  gone.set_version(3);
  h.canned.reply<userpb::DeleteUserRequest>(gone);
  h.canned.reply<authpb::DeleteCredentialsRequest>(authpb::DeleteCredentialsResponse{});
  REQUIRE(h.as(h.admin, "DELETE", "/api/v1/users/4").status == 200);
  CHECK(h.as(h.admin, "GET", "/api/v1/users/4").status == 404);
  CHECK(h.as(h.bob, "GET", "/api/v1/users/4").status == 401);
  CHECK(h.canned.count<userpb::GetUserRequest>() == 0);
}

TEST_CASE("account read model: lost, reads go to GetUser, back, from memory again") {
  Fixture f;
  auto& h = f.h;
  f.snapshot();
  h.streams.finish<Feed>(grpc::Status(grpc::StatusCode::UNAVAILABLE, "gone"));
  CHECK_FALSE(h.account_model.current());
  CHECK(h.account_model.size() == 0);
  CHECK(h.call("GET", "/metrics").body.find("fleetgate_account_model_current 0\n") !=
        std::string::npos);
  CHECK(h.as(h.alice, "GET", "/api/v1/users/3").status == 200);
  CHECK(h.canned.count<userpb::GetUserRequest>() == 1);

  f.reopen();
  f.snapshot();
  h.canned.forget();
  CHECK(h.as(h.alice, "GET", "/api/v1/users/3").status == 200);
  CHECK(h.canned.count<userpb::GetUserRequest>() == 0);
}

}  // namespace fleet::gateway::testing
