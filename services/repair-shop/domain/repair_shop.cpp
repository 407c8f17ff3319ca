#include "domain/repair_shop.h"

#include "domain/errors.h"

namespace fleet::repair_shop {
namespace {

constexpr std::size_t kMaxNameChars = 255;    // VARCHAR(255)
constexpr std::size_t kMaxTextBytes = 65535;  // TEXT

std::size_t utf8_chars(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void invalid(const std::string& message) {
  throw DomainError(ErrorCode::kInvalidArgument, message);
}

// A name or identifier: 1..255 characters.
void check_name(std::string_view field, const std::string& value) {
  if (value.empty()) invalid(std::string(field) + " must not be empty");
  if (utf8_chars(value) > kMaxNameChars) {
    invalid(std::string(field) + " must be at most 255 characters");
  }
}
void check_name(std::string_view field, const std::optional<std::string>& value) {
  if (value) check_name(field, *value);
}
// An optional short text (payment method, transaction id): at most 255 characters, "" allowed.
void check_short(std::string_view field, const std::optional<std::string>& value) {
  if (value && utf8_chars(*value) > kMaxNameChars) {
    invalid(std::string(field) + " must be at most 255 characters");
  }
}
void check_text(std::string_view field, const std::optional<std::string>& value) {
  if (value && value->size() > kMaxTextBytes) {
    invalid(std::string(field) + " must be at most 65535 bytes");
  }
}

Money money(std::string_view field, const std::string& text) {
  const auto value = Money::parse(text);
  if (!value) {
    invalid(std::string(field) +
            " must be a non-negative decimal with at most two places and at most 9999999999.99");
  }
  return *value;
}

void check_page(const Page& page) {
  if (page.limit < 1 || page.limit > Page::kMaxLimit) invalid("limit must be between 1 and 100");
  if (page.offset < 0) invalid("offset must not be negative");
}

void check_not_both(bool set, bool cleared, std::string_view field) {
  if (set && cleared) invalid(std::string(field) + " cannot be both set and cleared");
}

template <class T>
T found(std::optional<T> value, std::string_view not_found) {
  if (!value) fail(ErrorCode::kNotFound, not_found);
  return std::move(*value);
}

void check_account(Accounts& accounts, Id id, std::string_view not_found) {
  if (id <= 0 || !accounts.exists(id)) fail(ErrorCode::kNotFound, not_found);
}

void check_discount(const Money& cost, const Money& discount) {
  if (discount > cost) fail(ErrorCode::kFailedPrecondition, text::kDiscountAboveCost);
}

// The brand, model and type of a device exist (and stay, until the transaction ends), and the
// model is the brand's and of that type.
void check_device_refs(Transaction& tx, Id brand_id, Id model_id, Id device_type_id) {
  found(tx.find_brand(brand_id, Lock::kShare), text::kBrandNotFound);
  const Model model = found(tx.find_model(model_id, Lock::kShare), text::kModelNotFound);
  found(tx.find_device_type(device_type_id, Lock::kShare), text::kDeviceTypeNotFound);
  if (model.brand_id != brand_id) fail(ErrorCode::kFailedPrecondition, text::kModelOfOtherBrand);
  if (model.device_type_id != device_type_id) {
    fail(ErrorCode::kFailedPrecondition, text::kModelOfOtherType);
  }
}

// Sets the status and keeps completed_at, updated_at and the history in step.
void change_status(Transaction& tx, Order& order, OrderStatus to, TimePoint now) {
  if (order.status == to) return;
  tx.add_status_change({order.id, order.status, to, now});
  order.status = to;
  order.completed_at = to == OrderStatus::kCompleted ? std::optional(now) : std::nullopt;
}

std::optional<TimePoint> micros(std::optional<TimePoint> t) {
  if (!t) return t;
  return std::chrono::floor<std::chrono::microseconds>(*t);
}

}  // namespace

std::optional<OrderStatus> order_status_of(std::string_view name) {
  for (auto s : {OrderStatus::kPending, OrderStatus::kRepairing, OrderStatus::kCompleted,
                 OrderStatus::kCancelled}) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

std::optional<PaymentStatus> payment_status_of(std::string_view name) {
  for (auto s : {PaymentStatus::kPaid, PaymentStatus::kDue, PaymentStatus::kUnpaid,
                 PaymentStatus::kPartial}) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

RepairShop::RepairShop(Repository& repository, const Clock& clock)
    : repository_(repository), clock_(clock) {}

TimePoint RepairShop::now() const {
  return std::chrono::floor<std::chrono::microseconds>(clock_.now());
}

// --- catalog ----------------------------------------------------------------------------------

DeviceType RepairShop::create_device_type(Transaction& tx, const NewCatalogEntry& entry) {
  check_name("name", entry.name);
  check_text("description", entry.description);
  const TimePoint at = now();
  return {tx.insert_device_type(entry, at), entry.name, entry.description, at};
}

std::vector<DeviceType> RepairShop::list_device_types() {
  std::vector<DeviceType> out;
  repository_.read([&](Transaction& tx) { out = tx.device_types(); });
  return out;
}

Brand RepairShop::create_brand(Transaction& tx, const NewCatalogEntry& entry) {
  check_name("name", entry.name);
  check_text("description", entry.description);
  const TimePoint at = now();
  return {tx.insert_brand(entry, at), entry.name, entry.description, at};
}

std::vector<Brand> RepairShop::list_brands() {
  std::vector<Brand> out;
  repository_.read([&](Transaction& tx) { out = tx.brands(); });
  return out;
}

Model RepairShop::create_model(Transaction& tx, const NewModel& model) {
  check_name("name", model.name);
  found(tx.find_brand(model.brand_id, Lock::kShare), text::kBrandNotFound);
  found(tx.find_device_type(model.device_type_id, Lock::kShare), text::kDeviceTypeNotFound);
  const TimePoint at = now();
  return {tx.insert_model(model, at), model.brand_id, model.name, model.device_type_id, at};
}

std::vector<Model> RepairShop::list_models() {
  std::vector<Model> out;
  repository_.read([&](Transaction& tx) { out = tx.models(); });
  return out;
}

// --- customer devices -------------------------------------------------------------------------

Device RepairShop::create_device(Transaction& tx, Accounts& accounts, const NewDevice& d) {
  check_name("serial_number", d.serial_number);
  check_text("notes", d.notes);
  check_device_refs(tx, d.brand_id, d.model_id, d.device_type_id);
  check_account(accounts, d.owner_id, text::kOwnerNotFound);
  Device device{0,          d.brand_id, d.model_id, d.device_type_id, d.serial_number,
                d.owner_id, d.notes,    now()};
  device.id = tx.insert_device(device);
  return device;
}

std::vector<Device> RepairShop::list_devices(const DeviceFilter& filter, const Page& page) {
  check_page(page);
  std::vector<Device> out;
  repository_.read([&](Transaction& tx) { out = tx.devices(filter, page); });
  return out;
}

Device RepairShop::get_device(Id id) {
  std::optional<Device> device;
  repository_.read([&](Transaction& tx) { device = tx.find_device(id, Lock::kNone); });
  return found(std::move(device), text::kDeviceNotFound);
}

Device RepairShop::update_device(Accounts& accounts, const DeviceChanges& c) {
  check_name("serial_number", c.serial_number);
  check_text("notes", c.notes);
  check_not_both(c.notes.has_value(), c.clear_notes, "notes");
  Device device;
  repository_.transact([&](Transaction& tx) {
    device = found(tx.find_device(c.id, Lock::kUpdate), text::kDeviceNotFound);
    const Device before = device;
    if (c.brand_id) device.brand_id = *c.brand_id;
    if (c.model_id) device.model_id = *c.model_id;
    if (c.device_type_id) device.device_type_id = *c.device_type_id;
    if (c.serial_number) device.serial_number = *c.serial_number;
    if (c.owner_id) device.owner_id = *c.owner_id;
    if (c.notes) device.notes = c.notes;
    if (c.clear_notes) device.notes.reset();
    if (device.brand_id != before.brand_id || device.model_id != before.model_id ||
        device.device_type_id != before.device_type_id) {
      check_device_refs(tx, device.brand_id, device.model_id, device.device_type_id);
    }
    if (device.owner_id != before.owner_id) {
      check_account(accounts, device.owner_id, text::kOwnerNotFound);
    }
    tx.update_device(device);
  });
  return device;
}

void RepairShop::delete_device(Id id) {
  repository_.transact([&](Transaction& tx) {
    found(tx.find_device(id, Lock::kUpdate), text::kDeviceNotFound);
    if (tx.device_has_orders(id)) fail(ErrorCode::kFailedPrecondition, text::kDeviceHasOrders);
    tx.delete_device(id);
  });
}

// --- orders -----------------------------------------------------------------------------------

Order RepairShop::create_order(Transaction& tx, Accounts& accounts, const NewOrder& o) {
  const Money cost = money("cost", o.cost);
  const Money discount = o.discount.empty() ? Money() : money("discount", o.discount);
  check_text("note", o.note);
  check_discount(cost, discount);
  found(tx.find_device(o.device_id, Lock::kShare), text::kDeviceNotFound);
  check_account(accounts, o.customer_id, text::kCustomerNotFound);
  const TimePoint at = now();
  Order order;
  order.device_id = o.device_id;
  order.customer_id = o.customer_id;
  order.problem_id = o.problem_id;
  order.cost = cost;
  order.discount = discount;
  order.note = o.note;
  order.status = o.status.value_or(OrderStatus::kPending);
  order.estimated_completion_date = micros(o.estimated_completion_date);
  if (order.status == OrderStatus::kCompleted) order.completed_at = at;
  order.created_at = order.updated_at = at;
  order.id = tx.insert_order(order);
  tx.add_status_change({order.id, std::nullopt, order.status, at});
  return order;
}

std::vector<Order> RepairShop::list_orders(const OrderFilter& filter, const Page& page) {
  check_page(page);
  std::vector<Order> out;
  repository_.read([&](Transaction& tx) { out = tx.orders(filter, page); });
  return out;
}

Order RepairShop::get_order(Id id) {
  std::optional<Order> order;
  repository_.read([&](Transaction& tx) { order = tx.find_order(id, Lock::kNone); });
  return found(std::move(order), text::kOrderNotFound);
}

Order RepairShop::update_order(Accounts& accounts, const OrderChanges& c) {
  std::optional<Money> cost, discount;
  if (c.cost) cost = money("cost", *c.cost);
  if (c.discount) discount = money("discount", *c.discount);
  check_text("note", c.note);
  check_not_both(c.problem_id.has_value(), c.clear_problem_id, "problem_id");
  check_not_both(c.note.has_value(), c.clear_note, "note");
  check_not_both(c.estimated_completion_date.has_value(), c.clear_estimated_completion_date,
                 "estimated_completion_date");
  Order order;
  repository_.transact([&](Transaction& tx) {
    order = found(tx.find_order(c.id, Lock::kUpdate), text::kOrderNotFound);
    const TimePoint at = now();
    if (c.device_id && *c.device_id != order.device_id) {
      found(tx.find_device(*c.device_id, Lock::kShare), text::kDeviceNotFound);
      order.device_id = *c.device_id;
    }
    if (c.customer_id && *c.customer_id != order.customer_id) {
      check_account(accounts, *c.customer_id, text::kCustomerNotFound);
      order.customer_id = *c.customer_id;
    }
    if (c.problem_id) order.problem_id = c.problem_id;
    if (c.clear_problem_id) order.problem_id.reset();
    if (cost) order.cost = *cost;
    if (discount) order.discount = *discount;
    check_discount(order.cost, order.discount);
    if (c.note) order.note = c.note;
    if (c.clear_note) order.note.reset();
    if (c.estimated_completion_date) {
      order.estimated_completion_date = micros(c.estimated_completion_date);
    }
    if (c.clear_estimated_completion_date) order.estimated_completion_date.reset();
    if (c.status) change_status(tx, order, *c.status, at);
    order.updated_at = at;
    tx.update_order(order);
  });
  return order;
}

void RepairShop::delete_order(Id id) {
  repository_.transact([&](Transaction& tx) {
    found(tx.find_order(id, Lock::kUpdate), text::kOrderNotFound);
    if (tx.order_has_payments(id)) fail(ErrorCode::kFailedPrecondition, text::kOrderHasPayments);
    tx.delete_order(id);
  });
}

std::vector<StatusChange> RepairShop::order_history(Id order_id) {
  std::vector<StatusChange> out;
  repository_.read([&](Transaction& tx) {
    found(tx.find_order(order_id, Lock::kNone), text::kOrderNotFound);
    out = tx.status_changes(order_id);
  });
  return out;
}

// --- assignments ------------------------------------------------------------------------------

Assignment RepairShop::create_assignment(Transaction& tx, Accounts& accounts,
                                         const NewAssignment& a) {
  const Order order = found(tx.find_order(a.order_id, Lock::kShare), text::kOrderNotFound);
  check_account(accounts, a.user_id, text::kUserNotFound);
  const TimePoint at = now();
  return {tx.insert_assignment(a, at), a.order_id, a.user_id, at, order.customer_id};
}

std::vector<Assignment> RepairShop::list_assignments(const AssignmentFilter& filter,
                                                     const std::optional<Page>& page) {
  if (page) check_page(*page);
  std::vector<Assignment> out;
  repository_.read([&](Transaction& tx) { out = tx.assignments(filter, page); });
  return out;
}

Assignment RepairShop::get_assignment(Id id) {
  std::optional<Assignment> assignment;
  repository_.read([&](Transaction& tx) { assignment = tx.find_assignment(id); });
  return found(std::move(assignment), text::kAssignmentNotFound);
}

void RepairShop::delete_assignment(Id id) {
  repository_.transact([&](Transaction& tx) {
    if (!tx.delete_assignment(id)) fail(ErrorCode::kNotFound, text::kAssignmentNotFound);
  });
}

// --- payments ---------------------------------------------------------------------------------

Payment RepairShop::create_payment(Transaction& tx, const NewPayment& p) {
  Payment payment;
  payment.due_amount = money("due_amount", p.due_amount);
  payment.amount = money("amount", p.amount);
  check_short("payment_method", p.payment_method);
  check_short("transaction_id", p.transaction_id);
  const Order order = found(tx.find_order(p.order_id, Lock::kShare), text::kOrderNotFound);
  payment.order_id = p.order_id;
  payment.status = p.status.value_or(PaymentStatus::kUnpaid);
  payment.payment_method = p.payment_method;
  payment.transaction_id = p.transaction_id;
  payment.created_at = now();
  payment.customer_id = order.customer_id;
  payment.id = tx.insert_payment(payment);
  return payment;
}

std::vector<Payment> RepairShop::list_payments(const PaymentFilter& filter, const Page& page) {
  check_page(page);
  std::vector<Payment> out;
  repository_.read([&](Transaction& tx) { out = tx.payments(filter, page); });
  return out;
}

Payment RepairShop::get_payment(Id id) {
  std::optional<Payment> payment;
  repository_.read([&](Transaction& tx) { payment = tx.find_payment(id, Lock::kNone); });
  return found(std::move(payment), text::kPaymentNotFound);
}

Payment RepairShop::update_payment(const PaymentChanges& c) {
  std::optional<Money> due_amount, amount;
  if (c.due_amount) due_amount = money("due_amount", *c.due_amount);
  if (c.amount) amount = money("amount", *c.amount);
  check_short("payment_method", c.payment_method);
  check_short("transaction_id", c.transaction_id);
  check_not_both(c.payment_method.has_value(), c.clear_payment_method, "payment_method");
  check_not_both(c.transaction_id.has_value(), c.clear_transaction_id, "transaction_id");
  Payment payment;
  repository_.transact([&](Transaction& tx) {
    payment = found(tx.find_payment(c.id, Lock::kUpdate), text::kPaymentNotFound);
    if (due_amount) payment.due_amount = *due_amount;
    if (amount) payment.amount = *amount;
    if (c.status) payment.status = *c.status;
    if (c.payment_method) payment.payment_method = c.payment_method;
    if (c.clear_payment_method) payment.payment_method.reset();
    if (c.transaction_id) payment.transaction_id = c.transaction_id;
    if (c.clear_transaction_id) payment.transaction_id.reset();
    tx.update_payment(payment);
  });
  return payment;
}

void RepairShop::delete_payment(Id id) {
  repository_.transact([&](Transaction& tx) {
    if (!tx.delete_payment(id)) fail(ErrorCode::kNotFound, text::kPaymentNotFound);
  });
}

}  // namespace fleet::repair_shop
