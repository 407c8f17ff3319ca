#include "render/repair_shop.h"

#include <string>

#include "render/time.h"

namespace fleet::gateway::render {
namespace json = boost::json;
namespace {

json::value naive(const google::protobuf::Timestamp& ts) {
  return json::string(format_time(ts.seconds(), ts.nanos(), TimeStyle::kNaive));
}

// A message-typed timestamp field: null when absent.
json::value naive_or_null(bool has, const google::protobuf::Timestamp& ts) {
  if (!has) return nullptr;
  return naive(ts);
}

json::value text_or_null(bool has, const std::string& value) {
  if (!has) return nullptr;
  return json::string(value);
}

json::value id_or_null(bool has, std::int64_t value) {
  if (!has) return nullptr;
  return value;
}

json::value money(const std::string& value) { return json::string(money_text(value)); }

}  // namespace

std::string money_text(std::string_view text) {
  std::string out(text);
  if (out.empty()) return "0.00";
  auto dot = out.find('.');
  if (dot == std::string::npos) return out + ".00";
  auto places = out.size() - dot - 1;
  if (places < 2) out.append(2 - places, '0');
  return out;
}

json::object repair_device_type(const repairpb::DeviceType& t) {
  return json::object{{"id", t.id()},
                      {"name", t.name()},
                      {"description", text_or_null(t.has_description(), t.description())},
                      {"created_at", naive(t.created_at())}};
}

json::object repair_brand(const repairpb::Brand& b) {
  return json::object{{"id", b.id()},
                      {"name", b.name()},
                      {"description", text_or_null(b.has_description(), b.description())},
                      {"created_at", naive(b.created_at())}};
}

json::object repair_model(const repairpb::Model& m) {
  return json::object{{"id", m.id()},
                      {"brand_id", m.brand_id()},
                      {"name", m.name()},
                      {"device_type_id", m.device_type_id()},
                      {"created_at", naive(m.created_at())}};
}

json::object repair_device(const repairpb::Device& d) {
  return json::object{{"id", d.id()},
                      {"brand_id", d.brand_id()},
                      {"model_id", d.model_id()},
                      {"device_type_id", d.device_type_id()},
                      {"serial_number", d.serial_number()},
                      {"owner_id", d.owner_id()},
                      {"notes", text_or_null(d.has_notes(), d.notes())},
                      {"created_at", naive(d.created_at())}};
}

json::object repair_order(const repairpb::Order& o) {
  return json::object{
      {"id", o.id()},
      {"device_id", o.device_id()},
      {"customer_id", o.customer_id()},
      {"problem_id", id_or_null(o.has_problem_id(), o.problem_id())},
      {"cost", money(o.cost())},
      {"discount", money(o.discount())},
      {"total_cost", money(o.total_cost())},
      {"note", text_or_null(o.has_note(), o.note())},
      {"status", order_status_name(o.status())},
      {"estimated_completion_date",
       naive_or_null(o.has_estimated_completion_date(), o.estimated_completion_date())},
      {"completed_at", naive_or_null(o.has_completed_at(), o.completed_at())},
      {"created_at", naive(o.created_at())},
      {"updated_at", naive(o.has_updated_at() ? o.updated_at() : o.created_at())}};
}

json::object repair_assignment(const repairpb::Assignment& a) {
  return json::object{{"id", a.id()},
                      {"order_id", a.order_id()},
                      {"user_id", a.user_id()},
                      {"assigned_at", naive(a.assigned_at())}};
}

json::object repair_payment(const repairpb::Payment& p) {
  return json::object{
      {"id", p.id()},
      {"order_id", p.order_id()},
      {"due_amount", money(p.due_amount())},
      {"amount", money(p.amount())},
      {"status", payment_status_name(p.status())},
      {"payment_method", text_or_null(p.has_payment_method(), p.payment_method())},
      {"transaction_id", text_or_null(p.has_transaction_id(), p.transaction_id())},
      {"created_at", naive(p.created_at())}};
}

std::string_view order_status_name(repairpb::OrderStatus status) {
  switch (status) {
    case repairpb::ORDER_STATUS_REPAIRING:
      return "Repairing";
    case repairpb::ORDER_STATUS_COMPLETED:
      return "Completed";
    case repairpb::ORDER_STATUS_CANCELLED:
      return "Cancelled";
    default:
      return "Pending";
  }
}

std::optional<repairpb::OrderStatus> order_status_of(std::string_view name) {
  if (name == "Pending") return repairpb::ORDER_STATUS_PENDING;
  if (name == "Repairing") return repairpb::ORDER_STATUS_REPAIRING;
  if (name == "Completed") return repairpb::ORDER_STATUS_COMPLETED;
  if (name == "Cancelled") return repairpb::ORDER_STATUS_CANCELLED;
  return std::nullopt;
}

std::string_view payment_status_name(repairpb::PaymentStatus status) {
  switch (status) {
    case repairpb::PAYMENT_STATUS_PAID:
      return "Paid";
    case repairpb::PAYMENT_STATUS_DUE:
      return "Due";
    case repairpb::PAYMENT_STATUS_PARTIAL:
      return "Partial";
    default:
      return "Unpaid";
  }
}

std::optional<repairpb::PaymentStatus> payment_status_of(std::string_view name) {
  if (name == "Paid") return repairpb::PAYMENT_STATUS_PAID;
  if (name == "Due") return repairpb::PAYMENT_STATUS_DUE;
  if (name == "Unpaid") return repairpb::PAYMENT_STATUS_UNPAID;
  if (name == "Partial") return repairpb::PAYMENT_STATUS_PARTIAL;
  return std::nullopt;
}

}  // namespace fleet::gateway::render
