#pragma once
// The user service's rules. Throws fleet::DomainError with client-safe text:
//   INVALID_ARGUMENT  no identifier on create, offset/limit out of range, a value too long
//   ALREADY_EXISTS    "Username already exists", "Email already registered",
//                     "Phone already registered"
//   NOT_FOUND         "User not found"
// Empty strings count as absent, on create and on update alike. An account created without a
// username gets one derived from its email's local part (or its phone), made unique with a
// numeric suffix (PLATFORM.md "Accounts seen across surfaces").
// Every creation, change and deletion is published to the hub (if any) after its commit.
#include <vector>

#include "domain/account_hub.h"
#include "domain/user_repository.h"

namespace fleet::user {

struct AdminAccount {
  std::string username;
  std::string email;
  std::string phone;
};

class Users {
 public:
  Users(UserRepository& repository, const Clock& clock, AccountHub* hub = nullptr);

  Account create(NewAccount account);
  Account get(std::int64_t id);
  Account find(Identifier by, const std::string& value);
  // offset >= 0, limit 0..1000; ordered by id.
  std::vector<Account> list(std::int64_t offset, std::int64_t limit);
  Account update(std::int64_t id, AccountChanges changes);
  // The deletion's version.
  std::int64_t remove(std::int64_t id);
  // Every account, ordered by id (WatchAccounts' snapshot).
  std::vector<Account> all();

  // Creates the admin account unless one with its username exists. Several processes may race
  // here; losing the race is fine. Returns true if this call created it.
  bool ensure_admin(const AdminAccount& admin);

 private:
  Clock::time_point now() const;
  void publish(AccountChange::Kind kind, const Account& account);
  UserRepository& repository_;
  const Clock& clock_;
  AccountHub* hub_;
};

}  // namespace fleet::user
