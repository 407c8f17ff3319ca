#pragma once
// Devices and their attempt log in MariaDB, prepared statements only.
#include "domain/repository.h"
#include "fleet/db/db.h"

namespace fleet::sync {

class MariadbTransaction final : public Transaction {
 public:
  explicit MariadbTransaction(db::Connection& conn) : conn_(conn) {}

  std::optional<Device> lock_device(std::int64_t id) override;
  void save_sync_fields(const Device& device) override;
  std::int64_t add_attempt(const Attempt& attempt) override;
  void insert_device(const NewDevice& device) override;

 private:
  db::Connection& conn_;
};

class MariadbSyncRepository final : public Repository {
 public:
  explicit MariadbSyncRepository(db::Pool& pool) : pool_(pool) {}

  void transact(const std::function<void(Transaction&)>& work) override;
  std::vector<Device> list_devices() override;
  std::optional<Device> get_device(std::int64_t id) override;
  std::vector<Attempt> attempts(std::int64_t device_id, int limit) override;

 private:
  db::Pool& pool_;
};

}  // namespace fleet::sync
