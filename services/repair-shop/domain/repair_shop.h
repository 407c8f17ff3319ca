#pragma once
// The repair shop's rules. Throws fleet::DomainError with the client-safe texts of
// domain/errors.h:
//   INVALID_ARGUMENT     a malformed value the gateway should have refused: an empty or too long
//                        name, money that is negative, has more than two decimals or exceeds
//                        DECIMAL(12,2), a page out of bounds, a field both set and cleared
//   NOT_FOUND            "Device type not found", "Brand not found", "Model not found",
//                        "Device not found", "Owner not found", "Customer not found",
//                        "Order not found", "User not found", "Payment not found",
//                        "Assignment not found"
//   ALREADY_EXISTS       "Device type already exists", "Brand already exists",
//                        "Model already exists", "Serial number already registered",
//                        "Assignment already exists"
//   FAILED_PRECONDITION  "Device has orders", "Order has payments", "Discount cannot exceed
//                        cost", "Model does not belong to the brand", "Model is not of the
//                        device type"
// Creates take the Transaction they run in (the idempotency store's, so that the key commits
// with the row); everything else opens its own. Owners, customers and technicians are checked
// with the user service through Accounts. Times are floored to microseconds (DATETIME(6)).
#include <optional>
#include <vector>

#include "domain/accounts.h"
#include "domain/repository.h"

namespace fleet::repair_shop {

class RepairShop {
 public:
  RepairShop(Repository& repository, const Clock& clock);

  // --- catalog
  DeviceType create_device_type(Transaction& tx, const NewCatalogEntry& entry);
  std::vector<DeviceType> list_device_types();
  Brand create_brand(Transaction& tx, const NewCatalogEntry& entry);
  std::vector<Brand> list_brands();
  Model create_model(Transaction& tx, const NewModel& model);
  std::vector<Model> list_models();

  // --- customer devices
  Device create_device(Transaction& tx, Accounts& accounts, const NewDevice& device);
  std::vector<Device> list_devices(const DeviceFilter& filter, const Page& page);
  Device get_device(Id id);
  Device update_device(Accounts& accounts, const DeviceChanges& changes);
  void delete_device(Id id);

  // --- orders
  Order create_order(Transaction& tx, Accounts& accounts, const NewOrder& order);
  std::vector<Order> list_orders(const OrderFilter& filter, const Page& page);
  Order get_order(Id id);
  Order update_order(Accounts& accounts, const OrderChanges& changes);
  void delete_order(Id id);
  std::vector<StatusChange> order_history(Id order_id);

  // --- assignments
  Assignment create_assignment(Transaction& tx, Accounts& accounts,
                               const NewAssignment& assignment);
  // nullopt: every matching row.
  std::vector<Assignment> list_assignments(const AssignmentFilter& filter,
                                           const std::optional<Page>& page);
  Assignment get_assignment(Id id);
  void delete_assignment(Id id);

  // --- payments
  Payment create_payment(Transaction& tx, const NewPayment& payment);
  std::vector<Payment> list_payments(const PaymentFilter& filter, const Page& page);
  Payment get_payment(Id id);
  Payment update_payment(const PaymentChanges& changes);
  void delete_payment(Id id);

 private:
  TimePoint now() const;
  Repository& repository_;
  const Clock& clock_;
};

}  // namespace fleet::repair_shop
