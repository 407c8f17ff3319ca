#pragma once
// Storage of accounts. Implementations: MariadbUserRepository, and an in-memory fake in tests.
#include <cstdint>
#include <optional>
#include <vector>

#include "domain/account.h"

namespace fleet::user {

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // Stores a new account with created_at = updated_at = now and version 1; throws
  // IdentifierTaken.
  virtual Account create(const NewAccount& account, Clock::time_point now) = 0;
  virtual std::optional<Account> get(std::int64_t id) = 0;
  virtual std::optional<Account> find(Identifier by, const std::string& value) = 0;
  // Ordered by id.
  virtual std::vector<Account> list(std::int64_t offset, std::int64_t limit) = 0;
  // Applies the present fields, sets updated_at = now and bumps the version, in one
  // transaction; nullopt if there is no such account. Throws IdentifierTaken.
  virtual std::optional<Account> update(std::int64_t id, const AccountChanges& changes,
                                        Clock::time_point now) = 0;
  // The deletion's version (the account's last one + 1), or nullopt if there was no such
  // account.
  virtual std::optional<std::int64_t> remove(std::int64_t id) = 0;
};

}  // namespace fleet::user
