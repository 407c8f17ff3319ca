#include "api/convert.h"

#include <initializer_list>
#include <string_view>

#include "fleet/common/error.h"
#include "fleet/rpc/convert.h"

namespace fleet::repair_shop {
namespace {

using rpc::optional_field;
using rpc::set_optional;
using rpc::set_timestamp;

[[noreturn]] void invalid(const std::string& message) {
  throw DomainError(ErrorCode::kInvalidArgument, message);
}

// Which of `allowed` the request's `cleared` names; anything else is refused.
template <class Repeated>
void check_cleared(const Repeated& cleared, std::initializer_list<std::string_view> allowed) {
  for (const std::string& name : cleared) {
    bool known = false;
    for (const auto a : allowed) known = known || name == a;
    if (!known) invalid("cleared: " + name + " cannot be set to null");
  }
}
template <class Repeated>
bool names(const Repeated& cleared, std::string_view field) {
  for (const std::string& name : cleared) {
    if (name == field) return true;
  }
  return false;
}

template <class Message>
void catalog_to_proto(const CatalogEntry& entry, Message* out) {
  out->set_id(entry.id);
  out->set_name(entry.name);
  set_optional(entry.description, [&](const auto& v) { out->set_description(v); });
  set_timestamp(out->mutable_created_at(), entry.created_at);
}

std::optional<TimePoint> time_of(bool present, const google::protobuf::Timestamp& ts) {
  if (!present) return std::nullopt;
  return rpc::from_timestamp(ts);
}

}  // namespace

// --- to proto ---------------------------------------------------------------------------------

void to_proto(const CatalogEntry& entry, v1::DeviceType* out) { catalog_to_proto(entry, out); }
void to_proto(const CatalogEntry& entry, v1::Brand* out) { catalog_to_proto(entry, out); }

void to_proto(const Model& model, v1::Model* out) {
  out->set_id(model.id);
  out->set_brand_id(model.brand_id);
  out->set_name(model.name);
  out->set_device_type_id(model.device_type_id);
  set_timestamp(out->mutable_created_at(), model.created_at);
}

void to_proto(const Device& d, v1::Device* out) {
  out->set_id(d.id);
  out->set_brand_id(d.brand_id);
  out->set_model_id(d.model_id);
  out->set_device_type_id(d.device_type_id);
  out->set_serial_number(d.serial_number);
  out->set_owner_id(d.owner_id);
  set_optional(d.notes, [&](const auto& v) { out->set_notes(v); });
  set_timestamp(out->mutable_created_at(), d.created_at);
}

void to_proto(const Order& o, v1::Order* out) {
  out->set_id(o.id);
  out->set_device_id(o.device_id);
  out->set_customer_id(o.customer_id);
  set_optional(o.problem_id, [&](auto v) { out->set_problem_id(v); });
  out->set_cost(o.cost.str());
  out->set_discount(o.discount.str());
  out->set_total_cost(o.total_cost().str());
  set_optional(o.note, [&](const auto& v) { out->set_note(v); });
  out->set_status(to_proto(o.status));
  set_optional(o.estimated_completion_date,
               [&](auto t) { set_timestamp(out->mutable_estimated_completion_date(), t); });
  set_optional(o.completed_at, [&](auto t) { set_timestamp(out->mutable_completed_at(), t); });
  set_timestamp(out->mutable_created_at(), o.created_at);
  set_timestamp(out->mutable_updated_at(), o.updated_at);
}

void to_proto(const StatusChange& c, v1::OrderStatusChange* out) {
  out->set_order_id(c.order_id);
  out->set_from_status(c.from_status ? to_proto(*c.from_status) : v1::ORDER_STATUS_UNSPECIFIED);
  out->set_to_status(to_proto(c.to_status));
  set_timestamp(out->mutable_changed_at(), c.changed_at);
}

void to_proto(const Assignment& a, v1::Assignment* out) {
  out->set_id(a.id);
  out->set_order_id(a.order_id);
  out->set_user_id(a.user_id);
  set_timestamp(out->mutable_assigned_at(), a.assigned_at);
  out->set_customer_id(a.customer_id);
}

void to_proto(const Payment& p, v1::Payment* out) {
  out->set_id(p.id);
  out->set_order_id(p.order_id);
  out->set_due_amount(p.due_amount.str());
  out->set_amount(p.amount.str());
  out->set_status(to_proto(p.status));
  set_optional(p.payment_method, [&](const auto& v) { out->set_payment_method(v); });
  set_optional(p.transaction_id, [&](const auto& v) { out->set_transaction_id(v); });
  set_timestamp(out->mutable_created_at(), p.created_at);
  out->set_customer_id(p.customer_id);
}

v1::OrderStatus to_proto(OrderStatus status) {
  switch (status) {
    case OrderStatus::kPending:
      return v1::ORDER_STATUS_PENDING;
    case OrderStatus::kRepairing:
      return v1::ORDER_STATUS_REPAIRING;
    case OrderStatus::kCompleted:
      return v1::ORDER_STATUS_COMPLETED;
    case OrderStatus::kCancelled:
      break;
  }
  return v1::ORDER_STATUS_CANCELLED;
}

v1::PaymentStatus to_proto(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kPaid:
      return v1::PAYMENT_STATUS_PAID;
    case PaymentStatus::kDue:
      return v1::PAYMENT_STATUS_DUE;
    case PaymentStatus::kUnpaid:
      return v1::PAYMENT_STATUS_UNPAID;
    case PaymentStatus::kPartial:
      break;
  }
  return v1::PAYMENT_STATUS_PARTIAL;
}

// --- from proto -------------------------------------------------------------------------------

std::optional<OrderStatus> order_status_of(v1::OrderStatus status) {
  switch (status) {
    case v1::ORDER_STATUS_UNSPECIFIED:
      return std::nullopt;
    case v1::ORDER_STATUS_PENDING:
      return OrderStatus::kPending;
    case v1::ORDER_STATUS_REPAIRING:
      return OrderStatus::kRepairing;
    case v1::ORDER_STATUS_COMPLETED:
      return OrderStatus::kCompleted;
    case v1::ORDER_STATUS_CANCELLED:
      return OrderStatus::kCancelled;
    default:
      invalid("status must be Pending, Repairing, Completed or Cancelled");
  }
}

std::optional<PaymentStatus> payment_status_of(v1::PaymentStatus status) {
  switch (status) {
    case v1::PAYMENT_STATUS_UNSPECIFIED:
      return std::nullopt;
    case v1::PAYMENT_STATUS_PAID:
      return PaymentStatus::kPaid;
    case v1::PAYMENT_STATUS_DUE:
      return PaymentStatus::kDue;
    case v1::PAYMENT_STATUS_UNPAID:
      return PaymentStatus::kUnpaid;
    case v1::PAYMENT_STATUS_PARTIAL:
      return PaymentStatus::kPartial;
    default:
      invalid("status must be Paid, Due, Unpaid or Partial");
  }
}

std::optional<Page> page_of(bool has_page, const v1::Page& page, std::optional<Page> absent) {
  if (!has_page) return absent;
  return Page{page.limit(), page.offset()};
}

NewCatalogEntry new_entry_of(const v1::CreateDeviceTypeRequest& r) {
  return {r.name(), optional_field(r.has_description(), r.description())};
}
NewCatalogEntry new_entry_of(const v1::CreateBrandRequest& r) {
  return {r.name(), optional_field(r.has_description(), r.description())};
}

NewModel new_model_of(const v1::CreateModelRequest& r) {
  return {r.brand_id(), r.name(), r.device_type_id()};
}

NewDevice new_device_of(const v1::CreateDeviceRequest& r) {
  return {r.brand_id(),      r.model_id(), r.device_type_id(),
          r.serial_number(), r.owner_id(), optional_field(r.has_notes(), r.notes())};
}

DeviceChanges changes_of(const v1::UpdateDeviceRequest& r) {
  check_cleared(r.cleared(), {"notes"});
  DeviceChanges c;
  c.id = r.id();
  c.brand_id = optional_field(r.has_brand_id(), r.brand_id());
  c.model_id = optional_field(r.has_model_id(), r.model_id());
  c.device_type_id = optional_field(r.has_device_type_id(), r.device_type_id());
  c.serial_number = optional_field(r.has_serial_number(), r.serial_number());
  c.owner_id = optional_field(r.has_owner_id(), r.owner_id());
  c.notes = optional_field(r.has_notes(), r.notes());
  c.clear_notes = names(r.cleared(), "notes");
  return c;
}

NewOrder new_order_of(const v1::CreateOrderRequest& r) {
  NewOrder o;
  o.device_id = r.device_id();
  o.customer_id = r.customer_id();
  o.problem_id = optional_field(r.has_problem_id(), r.problem_id());
  o.cost = r.cost();
  o.discount = r.discount();
  o.note = optional_field(r.has_note(), r.note());
  o.status = order_status_of(r.status());
  o.estimated_completion_date =
      time_of(r.has_estimated_completion_date(), r.estimated_completion_date());
  return o;
}

OrderChanges changes_of(const v1::UpdateOrderRequest& r) {
  check_cleared(r.cleared(), {"problem_id", "note", "estimated_completion_date"});
  OrderChanges c;
  c.id = r.id();
  c.device_id = optional_field(r.has_device_id(), r.device_id());
  c.customer_id = optional_field(r.has_customer_id(), r.customer_id());
  c.problem_id = optional_field(r.has_problem_id(), r.problem_id());
  c.cost = optional_field(r.has_cost(), r.cost());
  c.discount = optional_field(r.has_discount(), r.discount());
  c.note = optional_field(r.has_note(), r.note());
  c.status = order_status_of(r.status());
  c.estimated_completion_date =
      time_of(r.has_estimated_completion_date(), r.estimated_completion_date());
  c.clear_problem_id = names(r.cleared(), "problem_id");
  c.clear_note = names(r.cleared(), "note");
  c.clear_estimated_completion_date = names(r.cleared(), "estimated_completion_date");
  return c;
}

OrderFilter filter_of(const v1::ListOrdersRequest& r) {
  return {order_status_of(r.status()), optional_field(r.has_customer_id(), r.customer_id()),
          optional_field(r.has_device_id(), r.device_id())};
}

NewPayment new_payment_of(const v1::CreatePaymentRequest& r) {
  NewPayment p;
  p.order_id = r.order_id();
  p.due_amount = r.due_amount();
  p.amount = r.amount();
  p.status = payment_status_of(r.status());
  p.payment_method = optional_field(r.has_payment_method(), r.payment_method());
  p.transaction_id = optional_field(r.has_transaction_id(), r.transaction_id());
  return p;
}

PaymentChanges changes_of(const v1::UpdatePaymentRequest& r) {
  check_cleared(r.cleared(), {"payment_method", "transaction_id"});
  PaymentChanges c;
  c.id = r.id();
  c.due_amount = optional_field(r.has_due_amount(), r.due_amount());
  c.amount = optional_field(r.has_amount(), r.amount());
  c.status = payment_status_of(r.status());
  c.payment_method = optional_field(r.has_payment_method(), r.payment_method());
  c.transaction_id = optional_field(r.has_transaction_id(), r.transaction_id());
  c.clear_payment_method = names(r.cleared(), "payment_method");
  c.clear_transaction_id = names(r.cleared(), "transaction_id");
  return c;
}

PaymentFilter filter_of(const v1::ListPaymentsRequest& r) {
  return {payment_status_of(r.status()), optional_field(r.has_order_id(), r.order_id()),
          optional_field(r.has_customer_id(), r.customer_id())};
}

AssignmentFilter filter_of(const v1::ListAssignmentsRequest& r) {
  return {optional_field(r.has_order_id(), r.order_id()),
          optional_field(r.has_user_id(), r.user_id()),
          optional_field(r.has_customer_id(), r.customer_id())};
}

}  // namespace fleet::repair_shop
