#include "repository/mariadb_user_repository.h"

#include <catch2/catch.hpp>

#include "fleet/db/db.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace std::chrono;
using fleet::user::Account;
using fleet::user::AccountChanges;
using fleet::user::Identifier;
using fleet::user::IdentifierTaken;
using fleet::user::NewAccount;
using fleet::user::Role;

namespace {

const auto kNow = sys_days{2025y / January / 10} + 10h + 123456us;

struct Store {
  fleet::db::testing::TestDatabase db;
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<fleet::user::MariadbUserRepository> repository;

  Store() {
    fleet::db::migrate(db.config(), fleet::user::kMigrations);
    reconnect();
  }
  // A fresh pool: nothing survives but what the database holds.
  void reconnect() {
    repository.reset();
    pool = std::make_unique<fleet::db::Pool>(db.config());
    repository = std::make_unique<fleet::user::MariadbUserRepository>(*pool);
  }
};

NewAccount full(const std::string& n) {
  NewAccount a;
  a.username = n;
  a.email = n + "@example.com";
  a.phone = "555-" + n;
  a.full_name = "Full " + n;
  a.city = "Delhi";
  a.profile_picture = "https://example.com/" + n + ".png";
  a.role = Role::kOperator;
  return a;
}

Identifier taken_by(Store& s, const NewAccount& a) {
  try {
    s.repository->create(a, kNow);
  } catch (const IdentifierTaken& e) {
    return e.which();
  }
  FAIL("expected IdentifierTaken");
  throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("accounts round trip and survive a reconnect", "[user][integration]") {
  Store s;
  const Account created = s.repository->create(full("alice"), kNow);
  CHECK(created.id > 0);
  s.reconnect();
  const auto got = s.repository->get(created.id);
  REQUIRE(got);
  CHECK(got->username == "alice");
  CHECK(got->email == "alice@example.com");
  CHECK(got->phone == "555-alice");
  CHECK(got->full_name == "Full alice");
  CHECK(got->city == "Delhi");
  CHECK(got->profile_picture == "https://example.com/alice.png");
  CHECK(got->role == Role::kOperator);
  CHECK(got->is_active);
  CHECK(got->created_at == kNow);
  CHECK(got->updated_at == kNow);

  CHECK(s.repository->find(Identifier::kEmail, "alice@example.com")->id == created.id);
  CHECK(s.repository->find(Identifier::kPhone, "555-alice")->id == created.id);
  CHECK(s.repository->find(Identifier::kUsername, "alice")->id == created.id);
  CHECK_FALSE(s.repository->find(Identifier::kUsername, "nobody"));
  CHECK_FALSE(s.repository->get(created.id + 1000));
}

TEST_CASE("each unique identifier reports itself, absent ones may repeat", "[user][integration]") {
  Store s;
  s.repository->create(full("bob"), kNow);
  NewAccount a;
  a.username = "bob";
  CHECK(taken_by(s, a) == Identifier::kUsername);
  a = {};
  a.email = "bob@example.com";
  CHECK(taken_by(s, a) == Identifier::kEmail);
  a = {};
  a.phone = "555-bob";
  CHECK(taken_by(s, a) == Identifier::kPhone);

  NewAccount only_phone;  // username and email NULL, twice
  only_phone.phone = "1";
  s.repository->create(only_phone, kNow);
  only_phone.phone = "2";
  s.repository->create(only_phone, kNow);
  CHECK(s.repository->list(0, 100).size() == 3);
}

TEST_CASE("update can clear the picture, and only the picture", "[user][integration]") {
  Store s;
  const Account carol = s.repository->create(full("carol"), kNow);
  AccountChanges picture;
  picture.profile_picture = "https://example.com/c.png";
  REQUIRE(s.repository->update(carol.id, picture, kNow)->profile_picture ==
          "https://example.com/c.png");
  AccountChanges no_picture;
  no_picture.clear_profile_picture = true;
  const auto cleared = s.repository->update(carol.id, no_picture, kNow);
  REQUIRE(cleared);
  CHECK_FALSE(cleared->profile_picture);  // NULL, not ""
  CHECK(cleared->full_name == carol.full_name);
  CHECK(cleared->city == carol.city);
}

TEST_CASE("update writes only present fields", "[user][integration]") {
  Store s;
  const Account carol = s.repository->create(full("carol"), kNow);
  s.repository->create(full("dave"), kNow);

  AccountChanges changes;
  changes.full_name = "Carol C";
  changes.role = Role::kAdmin;
  changes.is_active = false;
  const auto later = kNow + 90s;
  const auto updated = s.repository->update(carol.id, changes, later);
  REQUIRE(updated);
  CHECK(updated->full_name == "Carol C");
  CHECK(updated->role == Role::kAdmin);
  CHECK_FALSE(updated->is_active);
  CHECK(updated->email == "carol@example.com");
  CHECK(updated->city == "Delhi");
  CHECK(updated->created_at == kNow);
  CHECK(updated->updated_at == later);
  CHECK(updated->version == 2);  // bumped in the update's transaction
  CHECK(s.repository->get(carol.id)->version == 2);

  AccountChanges clash;
  clash.email = "dave@example.com";
  CHECK_THROWS_AS(s.repository->update(carol.id, clash, later), IdentifierTaken);
  CHECK(s.repository->get(carol.id)->email == "carol@example.com");
  CHECK(s.repository->get(carol.id)->version == 2);  // a refused change bumps nothing
  CHECK_FALSE(s.repository->update(carol.id + 1000, changes, later));
}

TEST_CASE("delete removes exactly one account", "[user][integration]") {
  Store s;
  const auto erin = s.repository->create(full("erin"), kNow);
  const auto id = erin.id;
  CHECK(erin.version == 1);
  CHECK(s.repository->get(id)->version == 1);
  // The deletion's version is newer than the account's last.
  CHECK(s.repository->remove(id) == std::optional<std::int64_t>(2));
  CHECK_FALSE(s.repository->remove(id));
  CHECK_FALSE(s.repository->get(id));
  // Its identifiers are free again.
  CHECK(s.repository->create(full("erin"), kNow).id > id);
}

TEST_CASE("list pages in id order", "[user][integration]") {
  Store s;
  std::vector<std::int64_t> ids;
  for (auto n : {"u1", "u2", "u3", "u4", "u5"})
    ids.push_back(s.repository->create(full(n), kNow).id);
  const auto all = s.repository->list(0, 1000);
  REQUIRE(all.size() == 5);
  for (std::size_t i = 0; i < all.size(); ++i) CHECK(all[i].id == ids[i]);
  const auto page = s.repository->list(1, 2);
  REQUIRE(page.size() == 2);
  CHECK(page[0].id == ids[1]);
  CHECK(page[1].id == ids[2]);
  CHECK(s.repository->list(5, 10).empty());
}
