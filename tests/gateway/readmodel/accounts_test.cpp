// The account read model (readmodel/accounts.*) on its own: current only after the snapshot,
// versions decide, tombstones, drop on loss, the generation guard for GetUser replies,
// read-your-writes, the bound, and revocation of deleted and deactivated accounts.
#include "readmodel/accounts.h"

#include <catch2/catch.hpp>
#include <vector>

#include "app/metrics.h"
#include "support/account_changes.h"

namespace {

using fleet::gateway::app::Metrics;
using fleet::gateway::readmodel::AccountModel;
using fleet::gateway::testing::account_change;
using fleet::gateway::testing::account_deleted;
using fleet::gateway::testing::accounts_ready;
using Found = AccountModel::Found;
namespace userpb = fleetgate::user::v1;

userpb::Account account(std::int64_t id, std::int64_t version, std::string name = "ann",
                        bool active = true) {
  userpb::Account a;
  a.set_id(id);
  a.set_version(version);
  a.set_username(std::move(name));
  a.set_role(userpb::ROLE_USER);
  a.set_is_active(active);
  return a;
}

struct Fixture {
  Metrics metrics;
  std::vector<std::int64_t> revoked;
  AccountModel model{metrics, [this](std::int64_t id) { revoked.push_back(id); }};

  void snapshot() {
    model.on_change(account_change(userpb::AccountChange::KIND_SNAPSHOT, account(1, 3), 3));
    model.on_change(account_change(userpb::AccountChange::KIND_SNAPSHOT, account(2, 1, "bo"), 1));
    model.on_change(accounts_ready());
  }
};

}  // namespace

TEST_CASE("account model: current only once the snapshot is ready, hits and misses counted") {
  Fixture f;
  f.model.on_change(account_change(userpb::AccountChange::KIND_SNAPSHOT, account(1, 3), 3));
  CHECK_FALSE(f.model.current());
  CHECK(f.model.account(1).found == Found::kNotCurrent);
  CHECK_FALSE(f.model.ticket().has_value());
  f.model.on_change(accounts_ready());
  CHECK(f.model.current());
  CHECK(f.metrics.account_model_current());
  auto read = f.model.account(1);
  REQUIRE(read.found == Found::kFound);
  CHECK(read.account.username() == "ann");
  CHECK(f.model.account(9).found == Found::kUnknown);
  CHECK(f.metrics.read_model_reads(fleet::gateway::app::ReadModel::kAccount, true) == 1);
  CHECK(f.metrics.read_model_reads(fleet::gateway::app::ReadModel::kAccount, false) == 2);
}

TEST_CASE("account model: versions decide, a deletion is a tombstone no older copy undoes") {
  Fixture f;
  f.snapshot();
  f.model.on_change(account_change(userpb::AccountChange::KIND_CHANGED, account(1, 2, "older"), 2));
  CHECK(f.model.account(1).account.username() == "ann");
  f.model.on_change(account_change(userpb::AccountChange::KIND_CHANGED, account(1, 4, "newer"), 4));
  CHECK(f.model.account(1).account.username() == "newer");

  f.model.on_change(account_deleted(1, 5));
  CHECK(f.model.account(1).found == Found::kDeleted);
  CHECK(f.revoked == std::vector<std::int64_t>{1});
  // A late event, and a GetUser reply that raced the deletion: neither brings it back.
  f.model.on_change(account_change(userpb::AccountChange::KIND_CHANGED, account(1, 4, "newer"), 4));
  auto ticket = f.model.ticket();
  REQUIRE(ticket);
  f.model.fill(*ticket, account(1, 4, "newer"));
  CHECK(f.model.account(1).found == Found::kDeleted);
}

TEST_CASE("account model: deactivation is told at once, through the feed or an own write") {
  Fixture f;
  f.snapshot();
  f.model.on_change(
      account_change(userpb::AccountChange::KIND_CHANGED, account(2, 2, "bo", false), 2));
  CHECK(f.revoked == std::vector<std::int64_t>{2});
  CHECK_FALSE(f.model.account(2).account.is_active());
  f.model.apply(account(1, 4, "ann", false));
  CHECK(f.revoked == std::vector<std::int64_t>{2, 1});
  // Even while not current: the sockets still close.
  f.model.on_lost();
  f.model.apply_deleted(2, 3);
  CHECK(f.revoked == std::vector<std::int64_t>{2, 1, 2});
}

TEST_CASE("account model: a loss drops everything until the next snapshot") {
  Fixture f;
  f.snapshot();
  REQUIRE(f.model.size() == 2);
  f.model.on_lost();
  CHECK_FALSE(f.model.current());
  CHECK_FALSE(f.metrics.account_model_current());
  CHECK(f.model.size() == 0);
  CHECK(f.model.account(1).found == Found::kNotCurrent);
  // Writes while not current are not kept (the next snapshot has them).
  f.model.apply(account(1, 9, "while-down"));
  CHECK(f.model.size() == 0);
  f.snapshot();
  CHECK(f.model.current());
  CHECK(f.model.account(1).account.version() == 3);
}

TEST_CASE("account model: a GetUser reply is kept only if no loss happened since its ticket") {
  Fixture f;
  f.snapshot();
  auto ticket = f.model.ticket();
  REQUIRE(ticket);
  f.model.fill(*ticket, account(7, 1, "new"));  // created a moment ago, its event still on the way
  CHECK(f.model.account(7).found == Found::kFound);

  auto stale = f.model.ticket();
  f.model.on_lost();  // the call raced a drop...
  f.snapshot();       // ...and a new snapshot without account 8
  f.model.fill(*stale, account(8, 1, "stale"));
  CHECK(f.model.account(8).found == Found::kUnknown);
}

TEST_CASE("account model: read-your-writes, and the feed catching up does not undo them") {
  Fixture f;
  f.snapshot();
  f.model.apply(account(1, 4, "renamed"));
  CHECK(f.model.account(1).account.username() == "renamed");
  f.model.on_change(
      account_change(userpb::AccountChange::KIND_CHANGED, account(1, 4, "renamed"), 4));
  f.model.on_change(account_change(userpb::AccountChange::KIND_CHANGED, account(1, 3, "ann"), 3));
  CHECK(f.model.account(1).account.username() == "renamed");
  f.model.apply_deleted(2, 2);
  CHECK(f.model.account(2).found == Found::kDeleted);
}

TEST_CASE("account model: more accounts than its bound and it is never current") {
  Metrics metrics;
  AccountModel model(metrics, AccountModel::Limits{.max_accounts = 2});
  for (std::int64_t id = 1; id <= 3; ++id) {
    model.on_change(account_change(userpb::AccountChange::KIND_SNAPSHOT, account(id, 1), 1));
  }
  model.on_change(accounts_ready());
  CHECK_FALSE(model.current());
  CHECK(model.size() == 2);
  model.on_lost();
  model.on_change(account_change(userpb::AccountChange::KIND_SNAPSHOT, account(1, 1), 1));
  model.on_change(accounts_ready());
  CHECK(model.current());
}
