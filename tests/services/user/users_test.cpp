#include "domain/users.h"

#include <catch2/catch.hpp>

#include "fake_user_repository.h"
#include "fleet/common/error.h"

using namespace std::chrono_literals;
using fleet::DomainError;
using fleet::ErrorCode;
using fleet::user::Account;
using fleet::user::AccountChanges;
using fleet::user::Identifier;
using fleet::user::NewAccount;
using fleet::user::Role;

namespace {

struct World {
  fleet::ManualClock clock;
  fleet::user::testing::FakeUserRepository repository;
  fleet::user::Users users{repository, clock};
};

NewAccount named(std::string username) {
  NewAccount account;
  account.username = std::move(username);
  return account;
}

// Runs fn, which must throw DomainError, and returns it.
template <class Fn>
DomainError domain_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const DomainError& e) {
    return e;
  }
  FAIL("expected a DomainError");
  throw std::logic_error("unreachable");  // FAIL has thrown already
}

}  // namespace

TEST_CASE("create needs a username, an email or a phone", "[user][domain]") {
  World w;
  NewAccount nothing;
  nothing.full_name = "No Identifier";
  nothing.username = "";  // empty counts as absent
  const auto e = domain_error_of([&] { w.users.create(nothing); });
  CHECK(e.code() == ErrorCode::kInvalidArgument);

  NewAccount by_phone;
  by_phone.phone = "555-0100";
  by_phone.email = "";
  const Account created = w.users.create(by_phone);
  CHECK(created.id > 0);
  CHECK(created.phone == "555-0100");
  CHECK_FALSE(created.email);  // stored as absent, not as ""
  CHECK(created.role == Role::kUser);
  CHECK(created.is_active);
  CHECK(created.created_at == w.clock.now());
  CHECK(created.updated_at == created.created_at);
}

TEST_CASE("duplicates name the identifier in the client text", "[user][domain]") {
  World w;
  NewAccount first;
  first.username = "alice";
  first.email = "alice@example.com";
  first.phone = "555-0101";
  w.users.create(first);

  const std::pair<NewAccount, std::string> cases[] = {
      {named("alice"), "Username already exists"},
      {[] {
         NewAccount a;
         a.email = "alice@example.com";
         return a;
       }(),
       "Email already registered"},
      {[] {
         NewAccount a;
         a.phone = "555-0101";
         return a;
       }(),
       "Phone already registered"},
  };
  for (const auto& [account, text] : cases) {
    const auto e = domain_error_of([&] { w.users.create(account); });
    CHECK(e.code() == ErrorCode::kAlreadyExists);
    CHECK(std::string(e.what()) == text);
  }
}

TEST_CASE("values longer than their column are rejected", "[user][domain]") {
  World w;
  NewAccount account = named(std::string(256, 'u'));
  CHECK(domain_error_of([&] { w.users.create(account); }).code() == ErrorCode::kInvalidArgument);
  // Lengths count characters: 255 two-byte characters fit.
  std::string wide;
  for (int i = 0; i < 255; ++i) wide += "é";
  CHECK(w.users.create(named(wide)).username == wide);
}

TEST_CASE("get and delete report a missing account as NOT_FOUND", "[user][domain]") {
  World w;
  const auto id = w.users.create(named("bob")).id;
  CHECK(w.users.get(id).username == "bob");
  w.users.remove(id);
  for (auto fn : {std::function<void()>([&] { w.users.get(id); }),
                  std::function<void()>([&] { w.users.remove(id); }),
                  std::function<void()>([&] { w.users.update(id, {}); })}) {
    const auto e = domain_error_of(fn);
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK(std::string(e.what()) == "User not found");
  }
}

TEST_CASE("find looks up one identifier", "[user][domain]") {
  World w;
  NewAccount carol = named("carol");
  carol.email = "carol@example.com";
  carol.phone = "555-0102";
  const auto id = w.users.create(carol).id;
  CHECK(w.users.find(Identifier::kUsername, "carol").id == id);
  CHECK(w.users.find(Identifier::kEmail, "carol@example.com").id == id);
  CHECK(w.users.find(Identifier::kPhone, "555-0102").id == id);
  CHECK(domain_error_of([&] { w.users.find(Identifier::kEmail, "nobody@example.com"); }).code() ==
        ErrorCode::kNotFound);
  CHECK(domain_error_of([&] { w.users.find(Identifier::kUsername, ""); }).code() ==
        ErrorCode::kInvalidArgument);
}

TEST_CASE("list checks its bounds and keeps id order", "[user][domain]") {
  World w;
  for (auto name : {"u1", "u2", "u3", "u4"}) w.users.create(named(name));
  const auto page = w.users.list(1, 2);
  REQUIRE(page.size() == 2);
  CHECK(page[0].username == "u2");
  CHECK(page[1].username == "u3");
  CHECK(w.users.list(0, 0).empty());
  CHECK(w.users.list(0, 1000).size() == 4);
  CHECK(w.users.list(10, 5).empty());
  for (auto [offset, limit] : {std::pair<std::int64_t, std::int64_t>{-1, 10}, {0, -1}, {0, 1001}}) {
    CHECK(domain_error_of([&] { w.users.list(offset, limit); }).code() ==
          ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("update changes only present fields and bumps updated_at", "[user][domain]") {
  World w;
  NewAccount dave = named("dave");
  dave.email = "dave@example.com";
  dave.city = "Delhi";
  const Account before = w.users.create(dave);
  w.clock.advance(5s);

  AccountChanges changes;
  changes.full_name = "Dave D";
  changes.role = Role::kOperator;
  changes.is_active = false;
  changes.city = "";  // empty: left alone
  const Account after = w.users.update(before.id, changes);
  CHECK(after.full_name == "Dave D");
  CHECK(after.role == Role::kOperator);
  CHECK_FALSE(after.is_active);
  CHECK(after.username == "dave");
  CHECK(after.email == "dave@example.com");
  CHECK(after.city == "Delhi");
  CHECK(after.created_at == before.created_at);
  CHECK(after.updated_at == before.created_at + 5s);

  // The picture is the one field an empty value clears.
  AccountChanges picture;
  picture.profile_picture = "https://example.com/d.png";
  CHECK(w.users.update(before.id, picture).profile_picture == "https://example.com/d.png");
  AccountChanges no_picture;
  no_picture.profile_picture = "";
  const Account cleared = w.users.update(before.id, no_picture);
  CHECK_FALSE(cleared.profile_picture);
  CHECK(cleared.city == "Delhi");

  w.users.create(named("erin"));
  AccountChanges taken;
  taken.username = "erin";
  const auto e = domain_error_of([&] { w.users.update(before.id, taken); });
  CHECK(std::string(e.what()) == "Username already exists");
}

TEST_CASE("the admin account is created once and then left alone", "[user][domain]") {
  World w;
  const fleet::user::AdminAccount admin{"admin", "admin@example.com", "0000000000"};
  CHECK(w.users.ensure_admin(admin));
  const Account created = w.users.find(Identifier::kUsername, "admin");
  CHECK(created.role == Role::kAdmin);
  CHECK(created.full_name == "Administrator");
  CHECK(created.email == "admin@example.com");
  CHECK(created.phone == "0000000000");

  AccountChanges renamed;
  renamed.full_name = "Root";
  w.users.update(created.id, renamed);
  CHECK_FALSE(w.users.ensure_admin(admin));
  CHECK(w.users.get(created.id).full_name == "Root");
  CHECK(w.users.list(0, 10).size() == 1);
}

TEST_CASE("losing the admin bootstrap race to another process is fine", "[user][domain]") {
  // A repository where another process creates the admin right after our lookup.
  struct Racing : fleet::user::testing::FakeUserRepository {
    bool first_lookup = true;
    std::optional<Account> find(Identifier by, const std::string& value) override {
      if (std::exchange(first_lookup, false)) {
        NewAccount other = named(value);
        other.role = Role::kAdmin;
        FakeUserRepository::create(other, {});
        return std::nullopt;
      }
      return FakeUserRepository::find(by, value);
    }
  } repository;
  fleet::ManualClock clock;
  fleet::user::Users users(repository, clock);
  CHECK_FALSE(users.ensure_admin({"admin", "admin@example.com", "0000000000"}));
  CHECK(repository.list(0, 10).size() == 1);
}

TEST_CASE("an admin email held by another account stops the bootstrap", "[user][domain]") {
  World w;
  NewAccount squatter = named("someone");
  squatter.email = "admin@example.com";
  w.users.create(squatter);
  const auto e = domain_error_of([&] {
    w.users.ensure_admin({"admin", "admin@example.com", "0000000000"});
  });
  CHECK(std::string(e.what()) == "Email already registered");
}

TEST_CASE("an account created without a username gets a unique one derived from its email or phone",
          "[user][domain]") {
  World w;
  w.users.create(named("jo.smith"));
  NewAccount by_email;
  by_email.email = "Jo.Smith+shop@example.com";
  const Account first = w.users.create(by_email);
  CHECK(first.username == "Jo.Smithshop");  // '+' is dropped; the rest is kept as written

  NewAccount same_local;
  same_local.email = "Jo.Smith+shop@other.example";
  CHECK(w.users.create(same_local).username == "Jo.Smithshop1");
  NewAccount again;
  again.email = "Jo.Smith+shop@third.example";
  CHECK(w.users.create(again).username == "Jo.Smithshop2");

  NewAccount by_phone;
  by_phone.phone = "+1 (555) 0100";
  CHECK(w.users.create(by_phone).username == "15550100");

  NewAccount only_symbols;
  only_symbols.email = "+++@example.com";
  CHECK(w.users.create(only_symbols).username == "user");

  // The derived name signs in like any other: it is stored and found.
  CHECK(w.users.find(Identifier::kUsername, "Jo.Smithshop1").email ==
        "Jo.Smith+shop@other.example");
}
