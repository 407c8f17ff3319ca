#pragma once
// The repair shop's values: the catalog (device types, brands, models), customer devices,
// orders with their status history, technician assignments and payments; the inputs that
// create and change them, and the filters and pages that list them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/common/money.h"
#include "fleet/common/clock.h"

namespace fleet::repair_shop {

using TimePoint = Clock::time_point;
using Id = std::int64_t;

// --- catalog --------------------------------------------------------------------------------

// A device type or a brand: a unique name and a description.
struct CatalogEntry {
  Id id = 0;
  std::string name;
  std::optional<std::string> description;
  TimePoint created_at;
};
using DeviceType = CatalogEntry;
using Brand = CatalogEntry;

struct NewCatalogEntry {
  std::string name;
  std::optional<std::string> description;
};

struct Model {
  Id id = 0;
  Id brand_id = 0;
  std::string name;  // unique per brand
  Id device_type_id = 0;
  TimePoint created_at;
};

struct NewModel {
  Id brand_id = 0;
  std::string name;
  Id device_type_id = 0;
};

// --- customer devices -----------------------------------------------------------------------

struct Device {
  Id id = 0;
  Id brand_id = 0;
  Id model_id = 0;
  Id device_type_id = 0;
  std::string serial_number;  // unique
  Id owner_id = 0;            // an account of the user service
  std::optional<std::string> notes;
  TimePoint created_at;
};

struct NewDevice {
  Id brand_id = 0;
  Id model_id = 0;
  Id device_type_id = 0;
  std::string serial_number;
  Id owner_id = 0;
  std::optional<std::string> notes;
};

// Absent fields stay as they are; clear_notes sets notes to null.
struct DeviceChanges {
  Id id = 0;
  std::optional<Id> brand_id;
  std::optional<Id> model_id;
  std::optional<Id> device_type_id;
  std::optional<std::string> serial_number;
  std::optional<Id> owner_id;
  std::optional<std::string> notes;
  bool clear_notes = false;
};

// --- pages and filters ----------------------------------------------------------------------

// A page of a list ordered by id: limit 1..kMaxLimit, offset >= 0.
struct Page {
  static constexpr std::int64_t kDefaultLimit = 10;
  static constexpr std::int64_t kMaxLimit = 100;
  std::int64_t limit = kDefaultLimit;
  std::int64_t offset = 0;
};

struct DeviceFilter {
  std::optional<Id> owner_id;
};

// --- orders ---------------------------------------------------------------------------------

enum class OrderStatus { kPending, kRepairing, kCompleted, kCancelled };

// The names stored in MariaDB and shown by the repair surface.
constexpr std::string_view to_string(OrderStatus status) {
  switch (status) {
    case OrderStatus::kPending:
      return "Pending";
    case OrderStatus::kRepairing:
      return "Repairing";
    case OrderStatus::kCompleted:
      return "Completed";
    case OrderStatus::kCancelled:
      break;
  }
  return "Cancelled";
}
std::optional<OrderStatus> order_status_of(std::string_view name);

struct Order {
  Id id = 0;
  Id device_id = 0;
  Id customer_id = 0;  // an account of the user service
  std::optional<Id> problem_id;
  Money cost;
  Money discount;
  std::optional<std::string> note;
  OrderStatus status = OrderStatus::kPending;
  std::optional<TimePoint> estimated_completion_date;
  std::optional<TimePoint> completed_at;  // set while the status is Completed
  TimePoint created_at;
  TimePoint updated_at;

  // Never negative: the discount never exceeds the cost.
  Money total_cost() const { return cost - discount; }
};

// Money as decimal text, parsed (and refused) by the domain.
struct NewOrder {
  Id device_id = 0;
  Id customer_id = 0;
  std::optional<Id> problem_id;
  std::string cost;
  std::string discount;  // "" means 0.00
  std::optional<std::string> note;
  std::optional<OrderStatus> status;  // absent means Pending
  std::optional<TimePoint> estimated_completion_date;
};

// Absent fields stay as they are; clear_* set a nullable field to null.
struct OrderChanges {
  Id id = 0;
  std::optional<Id> device_id;
  std::optional<Id> customer_id;
  std::optional<Id> problem_id;
  std::optional<std::string> cost;
  std::optional<std::string> discount;
  std::optional<std::string> note;
  std::optional<OrderStatus> status;
  std::optional<TimePoint> estimated_completion_date;
  bool clear_problem_id = false;
  bool clear_note = false;
  bool clear_estimated_completion_date = false;
};

struct OrderFilter {
  std::optional<OrderStatus> status;
  std::optional<Id> customer_id;
  std::optional<Id> device_id;
};

// One row of an order's history: every status change, its creation included (from absent).
struct StatusChange {
  Id order_id = 0;
  std::optional<OrderStatus> from_status;
  OrderStatus to_status = OrderStatus::kPending;
  TimePoint changed_at;
};

// --- assignments ----------------------------------------------------------------------------

struct Assignment {
  Id id = 0;
  Id order_id = 0;
  Id user_id = 0;  // the technician, an account of the user service
  TimePoint assigned_at;
  Id customer_id = 0;  // the order's customer (read through the order)
};

struct NewAssignment {
  Id order_id = 0;
  Id user_id = 0;
};

struct AssignmentFilter {
  std::optional<Id> order_id;
  std::optional<Id> user_id;
  std::optional<Id> customer_id;  // the orders' customer
};

// --- payments -------------------------------------------------------------------------------

enum class PaymentStatus { kPaid, kDue, kUnpaid, kPartial };

constexpr std::string_view to_string(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kPaid:
      return "Paid";
    case PaymentStatus::kDue:
      return "Due";
    case PaymentStatus::kUnpaid:
      return "Unpaid";
    case PaymentStatus::kPartial:
      break;
  }
  return "Partial";
}
std::optional<PaymentStatus> payment_status_of(std::string_view name);

struct Payment {
  Id id = 0;
  Id order_id = 0;
  Money due_amount;
  Money amount;
  PaymentStatus status = PaymentStatus::kUnpaid;
  std::optional<std::string> payment_method;
  std::optional<std::string> transaction_id;
  TimePoint created_at;
  Id customer_id = 0;  // the order's customer (read through the order)
};

struct NewPayment {
  Id order_id = 0;
  std::string due_amount;
  std::string amount;
  std::optional<PaymentStatus> status;  // absent means Unpaid
  std::optional<std::string> payment_method;
  std::optional<std::string> transaction_id;
};

struct PaymentChanges {
  Id id = 0;
  std::optional<std::string> due_amount;
  std::optional<std::string> amount;
  std::optional<PaymentStatus> status;
  std::optional<std::string> payment_method;
  std::optional<std::string> transaction_id;
  bool clear_payment_method = false;
  bool clear_transaction_id = false;
};

struct PaymentFilter {
  std::optional<PaymentStatus> status;
  std::optional<Id> order_id;
  std::optional<Id> customer_id;  // the orders' customer
};

}  // namespace fleet::repair_shop
