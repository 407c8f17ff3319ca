#pragma once
// An in-memory UserRepository with the same uniqueness rules as the users table.
#include <map>

#include "domain/user_repository.h"

namespace fleet::user::testing {

class FakeUserRepository : public UserRepository {
 public:
  Account create(const NewAccount& in, Clock::time_point now) override {
    Account account;
    static_cast<Profile&>(account) = in;
    account.id = next_id_;
    account.role = in.role;
    account.is_active = true;
    account.created_at = now;
    account.updated_at = now;
    check_unique(account);
    ++next_id_;
    return accounts_[account.id] = account;
  }

  std::optional<Account> get(std::int64_t id) override {
    auto it = accounts_.find(id);
    if (it == accounts_.end()) return std::nullopt;
    return it->second;
  }

  std::optional<Account> find(Identifier by, const std::string& value) override {
    for (const auto& [id, a] : accounts_) {
      if (field(a, by) == value) return a;
    }
    return std::nullopt;
  }

  std::vector<Account> list(std::int64_t offset, std::int64_t limit) override {
    std::vector<Account> out;
    for (const auto& [id, a] : accounts_) {
      if (offset-- > 0) continue;
      if (static_cast<std::int64_t>(out.size()) == limit) break;
      out.push_back(a);
    }
    return out;
  }

  std::optional<Account> update(std::int64_t id, const AccountChanges& c,
                                Clock::time_point now) override {
    auto it = accounts_.find(id);
    if (it == accounts_.end()) return std::nullopt;
    Account a = it->second;
    if (c.username) a.username = c.username;
    if (c.email) a.email = c.email;
    if (c.phone) a.phone = c.phone;
    if (c.full_name) a.full_name = c.full_name;
    if (c.city) a.city = c.city;
    if (c.profile_picture) a.profile_picture = c.profile_picture;
    if (c.clear_profile_picture) a.profile_picture.reset();
    if (c.role) a.role = *c.role;
    if (c.is_active) a.is_active = *c.is_active;
    a.updated_at = now;
    ++a.version;
    check_unique(a);
    return it->second = a;
  }

  std::optional<std::int64_t> remove(std::int64_t id) override {
    auto it = accounts_.find(id);
    if (it == accounts_.end()) return std::nullopt;
    const auto version = it->second.version + 1;
    accounts_.erase(it);
    return version;
  }

 private:
  static const std::optional<std::string>& field(const Account& a, Identifier by) {
    switch (by) {
      case Identifier::kEmail:
        return a.email;
      case Identifier::kPhone:
        return a.phone;
      case Identifier::kUsername:
        break;
    }
    return a.username;
  }

  // Checked in the order of the table's unique keys, as MariaDB reports the first it violates.
  void check_unique(const Account& candidate) const {
    for (auto by : {Identifier::kUsername, Identifier::kEmail, Identifier::kPhone}) {
      const auto& value = field(candidate, by);
      if (!value) continue;
      for (const auto& [id, a] : accounts_) {
        if (id != candidate.id && field(a, by) == value) throw IdentifierTaken(by);
      }
    }
  }

  std::map<std::int64_t, Account> accounts_;
  std::int64_t next_id_ = 1;
};

}  // namespace fleet::user::testing
