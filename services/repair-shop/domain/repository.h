#pragma once
// Storage of the repair shop. Implementations: MariadbRepairShopRepository, and an in-memory
// fake in tests. Everything happens on a Transaction: one database transaction for writes
// (Repository::transact, or the idempotency store's for exactly-once creates), or plain reads
// (Repository::read).
#include <functional>
#include <optional>
#include <vector>

#include "domain/model.h"

namespace fleet::repair_shop {

// How a find_* reads its row: kShare keeps it from being deleted or changed until the
// transaction ends (a parent that a new row will refer to); kUpdate locks it for a change.
enum class Lock { kNone, kShare, kUpdate };

// One database transaction. The insert_* and update_* of rows with a unique key throw
// DomainError ALREADY_EXISTS with the proto's text when the key is taken. Lists are ordered by
// id; a page of nullopt means every matching row.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // catalog
  virtual Id insert_device_type(const NewCatalogEntry& entry, TimePoint now) = 0;
  virtual std::vector<DeviceType> device_types() = 0;
  virtual std::optional<DeviceType> find_device_type(Id id, Lock lock) = 0;
  virtual Id insert_brand(const NewCatalogEntry& entry, TimePoint now) = 0;
  virtual std::vector<Brand> brands() = 0;
  virtual std::optional<Brand> find_brand(Id id, Lock lock) = 0;
  virtual Id insert_model(const NewModel& model, TimePoint now) = 0;
  virtual std::vector<Model> models() = 0;
  virtual std::optional<Model> find_model(Id id, Lock lock) = 0;

  // devices (the id of `device` is ignored on insert)
  virtual Id insert_device(const Device& device) = 0;
  virtual std::optional<Device> find_device(Id id, Lock lock) = 0;
  virtual std::vector<Device> devices(const DeviceFilter& filter, const Page& page) = 0;
  virtual void update_device(const Device& device) = 0;
  virtual bool device_has_orders(Id id) = 0;
  virtual void delete_device(Id id) = 0;

  // orders
  virtual Id insert_order(const Order& order) = 0;
  virtual std::optional<Order> find_order(Id id, Lock lock) = 0;
  virtual std::vector<Order> orders(const OrderFilter& filter, const Page& page) = 0;
  virtual void update_order(const Order& order) = 0;
  virtual bool order_has_payments(Id id) = 0;
  // With its assignments and its history.
  virtual void delete_order(Id id) = 0;
  virtual void add_status_change(const StatusChange& change) = 0;
  // Oldest first.
  virtual std::vector<StatusChange> status_changes(Id order_id) = 0;

  // assignments (customer_id is read through the order, never stored)
  virtual Id insert_assignment(const NewAssignment& assignment, TimePoint now) = 0;
  virtual std::optional<Assignment> find_assignment(Id id) = 0;
  virtual std::vector<Assignment> assignments(const AssignmentFilter& filter,
                                              const std::optional<Page>& page) = 0;
  // False if there was no such assignment.
  virtual bool delete_assignment(Id id) = 0;

  // payments (customer_id is read through the order, never stored)
  virtual Id insert_payment(const Payment& payment) = 0;
  virtual std::optional<Payment> find_payment(Id id, Lock lock) = 0;
  virtual std::vector<Payment> payments(const PaymentFilter& filter, const Page& page) = 0;
  virtual void update_payment(const Payment& payment) = 0;
  // False if there was no such payment.
  virtual bool delete_payment(Id id) = 0;
};

class Repository {
 public:
  virtual ~Repository() = default;
  // Runs work in one transaction: commits when it returns, rolls back when it throws. It may run
  // again after a deadlock, so it must start from scratch.
  virtual void transact(const std::function<void(Transaction&)>& work) = 0;
  // Runs work outside a transaction: reads only.
  virtual void read(const std::function<void(Transaction&)>& work) = 0;
};

}  // namespace fleet::repair_shop
