#pragma once
// The repair shop in MariaDB, prepared statements only.
#include <memory>

#include "domain/repository.h"
#include "fleet/db/db.h"

namespace fleet::repair_shop {

// A Transaction on a connection whose transaction someone else opened and will commit: the
// repository's own transact(), or the idempotency store, which commits a create together with
// its stored response. On a connection in autocommit (read()) each statement stands alone.
class MariadbTransaction final : public Transaction {
 public:
  explicit MariadbTransaction(db::Connection& conn) : conn_(conn) {}

  Id insert_device_type(const NewCatalogEntry& entry, TimePoint now) override;
  std::vector<DeviceType> device_types() override;
  std::optional<DeviceType> find_device_type(Id id, Lock lock) override;
  Id insert_brand(const NewCatalogEntry& entry, TimePoint now) override;
  std::vector<Brand> brands() override;
  std::optional<Brand> find_brand(Id id, Lock lock) override;
  Id insert_model(const NewModel& model, TimePoint now) override;
  std::vector<Model> models() override;
  std::optional<Model> find_model(Id id, Lock lock) override;

  Id insert_device(const Device& device) override;
  std::optional<Device> find_device(Id id, Lock lock) override;
  std::vector<Device> devices(const DeviceFilter& filter, const Page& page) override;
  void update_device(const Device& device) override;
  bool device_has_orders(Id id) override;
  void delete_device(Id id) override;

  Id insert_order(const Order& order) override;
  std::optional<Order> find_order(Id id, Lock lock) override;
  std::vector<Order> orders(const OrderFilter& filter, const Page& page) override;
  void update_order(const Order& order) override;
  bool order_has_payments(Id id) override;
  void delete_order(Id id) override;
  void add_status_change(const StatusChange& change) override;
  std::vector<StatusChange> status_changes(Id order_id) override;

  Id insert_assignment(const NewAssignment& assignment, TimePoint now) override;
  std::optional<Assignment> find_assignment(Id id) override;
  std::vector<Assignment> assignments(const AssignmentFilter& filter,
                                      const std::optional<Page>& page) override;
  bool delete_assignment(Id id) override;

  Id insert_payment(const Payment& payment) override;
  std::optional<Payment> find_payment(Id id, Lock lock) override;
  std::vector<Payment> payments(const PaymentFilter& filter, const Page& page) override;
  void update_payment(const Payment& payment) override;
  bool delete_payment(Id id) override;

 private:
  Id insert_catalog_entry(std::string_view table, const NewCatalogEntry& entry, TimePoint now,
                          std::string_view taken);
  std::vector<CatalogEntry> catalog(std::string_view table);
  std::optional<CatalogEntry> find_catalog_entry(std::string_view table, Id id, Lock lock);

  db::Connection& conn_;
};

class MariadbRepairShopRepository final : public Repository {
 public:
  explicit MariadbRepairShopRepository(db::Pool& pool) : pool_(pool) {}

  // The factory that main() gives the adapter for exactly-once creates
  // (idempotency::TransactionFactory).
  static std::unique_ptr<Transaction> transaction_on(db::Connection& conn);

  void transact(const std::function<void(Transaction&)>& work) override;
  void read(const std::function<void(Transaction&)>& work) override;

 private:
  db::Pool& pool_;
};

}  // namespace fleet::repair_shop
