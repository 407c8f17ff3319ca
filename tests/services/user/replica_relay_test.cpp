// The account hub's link to the other replicas: changes and deletions survive the trip whole,
// only this replica's own commits are sent on, and an incomplete hub refuses watchers (their
// readers cache accounts). Over a real nats-server: a change on one replica reaches the other.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "api/replica_relay.h"
#include "nats_server.h"

using namespace fleet::user;
using namespace std::chrono_literals;
using fleet::bus::testing::NatsServer;
using Kind = AccountChange::Kind;

namespace {

// An AccountWatcher whose transport is a list, completing every write at once.
class Recorder final : public AccountWatcher {
 public:
  Recorder() : AccountWatcher(64) {}
  std::vector<AccountChange> written;
  std::optional<WatchEnd> finished;

 private:
  void start_write(const AccountChange& change) override {
    written.push_back(change);
    write_done(true);
  }
  void finish(WatchEnd reason) override { finished = reason; }
};

Account sample_account() {
  Account account;
  account.id = 12;
  account.username = "ada";
  account.email = "ada@example.com";
  account.full_name = "Ada L";
  account.role = Role::kOperator;
  account.is_active = false;
  account.created_at = fleet::Clock::time_point(std::chrono::microseconds(1'700'000'000'000'001));
  account.updated_at = account.created_at + 5s;
  account.version = 9;
  return account;
}

class OutboxRecorder final : public AccountOutbox {
 public:
  std::vector<std::int64_t> versions;
  void committed(const AccountChange& change) override {
    versions.push_back(change.account.version);
  }
};

template <typename Predicate>
bool eventually(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

}  // namespace

TEST_CASE("account changes and deletions survive the trip whole", "[user][replicas]") {
  const auto changed =
      decode_replica_change(encode_replica_change({Kind::kChanged, sample_account()}));
  REQUIRE(changed);
  CHECK(changed->kind == Kind::kChanged);
  const Account& a = changed->account;
  CHECK(a.id == 12);
  CHECK(a.username == "ada");
  CHECK(a.email == "ada@example.com");
  CHECK_FALSE(a.phone);
  CHECK(a.full_name == "Ada L");
  CHECK(a.role == Role::kOperator);
  CHECK_FALSE(a.is_active);
  CHECK(a.created_at == sample_account().created_at);
  CHECK(a.updated_at == sample_account().updated_at);
  CHECK(a.version == 9);

  AccountChange deletion{Kind::kDeleted, {}};
  deletion.account.id = 12;
  deletion.account.version = 10;
  const auto deleted = decode_replica_change(encode_replica_change(deletion));
  REQUIRE(deleted);
  CHECK(deleted->kind == Kind::kDeleted);
  CHECK(deleted->account.id == 12);
  CHECK(deleted->account.version == 10);

  CHECK_FALSE(decode_replica_change("\xff\xff garbage"));
  CHECK_FALSE(decode_replica_change(encode_replica_change({Kind::kReady, {}})));
}

TEST_CASE("the hub sends on its own commits only, and an incomplete hub refuses watchers",
          "[user][replicas]") {
  AccountHub hub;
  OutboxRecorder outbox;
  hub.set_outbox(&outbox);
  auto watcher = std::make_shared<Recorder>();
  hub.subscribe(watcher);
  watcher->begin(std::vector<AccountChange>{});
  hub.publish({Kind::kChanged, sample_account()});
  auto remote = sample_account();
  remote.version = 11;
  hub.apply_remote({Kind::kChanged, remote});
  CHECK(watcher->written.size() == 2);
  CHECK(outbox.versions == std::vector<std::int64_t>{9});

  hub.set_complete(false);
  CHECK(watcher->finished == WatchEnd::kFailed);
  auto refused = std::make_shared<Recorder>();
  CHECK(hub.subscribe(refused) == 0);
  CHECK(refused->finished == WatchEnd::kFailed);
  hub.set_complete(true);
  auto accepted = std::make_shared<Recorder>();
  CHECK(hub.subscribe(accepted) != 0);
  CHECK_FALSE(accepted->finished);
}

TEST_CASE("an account change on one replica reaches the other's watchers", "[user][replicas]") {
  NatsServer server;
  const auto settings = fleet::bus::Settings::parse(server.url());
  AccountHub hub_a, hub_b;
  ReplicaRelay relay_a(hub_a, settings, {});
  ReplicaRelay relay_b(hub_b, settings, {});
  REQUIRE(eventually([&] { return hub_a.complete() && hub_b.complete(); }));
  auto watcher = std::make_shared<Recorder>();
  REQUIRE(hub_b.subscribe(watcher) != 0);
  watcher->begin(std::vector<AccountChange>{});
  // The subscriptions reach the server asynchronously: publish until one arrives.
  REQUIRE(eventually([&] {
    hub_a.publish({Kind::kChanged, sample_account()});
    return !watcher->written.empty();
  }));
  CHECK(watcher->written.front().account.username == "ada");
  server.stop();
  REQUIRE(eventually([&] { return !hub_b.complete(); }));
  CHECK(watcher->finished == WatchEnd::kFailed);
}
