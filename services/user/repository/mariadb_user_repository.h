#pragma once
#include "domain/user_repository.h"
#include "fleet/db/db.h"

namespace fleet::user {

class MariadbUserRepository final : public UserRepository {
 public:
  explicit MariadbUserRepository(db::Pool& pool) : pool_(pool) {}

  Account create(const NewAccount& account, Clock::time_point now) override;
  std::optional<Account> get(std::int64_t id) override;
  std::optional<Account> find(Identifier by, const std::string& value) override;
  std::vector<Account> list(std::int64_t offset, std::int64_t limit) override;
  std::optional<Account> update(std::int64_t id, const AccountChanges& changes,
                                Clock::time_point now) override;
  std::optional<std::int64_t> remove(std::int64_t id) override;

 private:
  db::Pool& pool_;
};

}  // namespace fleet::user
