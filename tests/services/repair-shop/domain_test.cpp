// The repair shop's rules on a fake repository and fake accounts: catalog, devices, orders
// (money, completed_at, history), assignments, payments, refused and referenced deletes.
#include <catch2/catch.hpp>

#include "domain/repair_shop.h"
#include "fakes.h"
#include "fleet/common/error.h"

using namespace fleet::repair_shop;
using namespace std::chrono_literals;
using fleet::DomainError;
using fleet::ErrorCode;
using testing::FakeAccounts;
using testing::FakeRepository;

namespace {

constexpr Id kAnn = 7;    // a customer
constexpr Id kBob = 8;    // another customer
constexpr Id kTech = 20;  // a technician

// Expects `fn` to throw DomainError with this code and text.
template <class Fn>
void refused(Fn&& fn, ErrorCode code, std::string_view text) {
  try {
    fn();
    FAIL("no error; expected: " << text);
  } catch (const DomainError& e) {
    CHECK(e.code() == code);
    CHECK(std::string(e.what()) == text);
  }
}

struct Shop {
  FakeRepository repo;
  FakeAccounts accounts;
  fleet::ManualClock clock{std::chrono::sys_days{std::chrono::January / 10 / 2025} + 10h};
  RepairShop shop{repo, clock};
  Id laptop = 0, dell = 0, xps = 0;

  Shop() {
    accounts.ids = {kAnn, kBob, kTech};
    laptop = in_tx([&](Transaction& tx) {
               return shop.create_device_type(tx, {"Laptop", "Laptop computers"});
             }).id;
    dell = in_tx([&](Transaction& tx) { return shop.create_brand(tx, {"Dell", "Dell Inc."}); }).id;
    xps = in_tx([&](Transaction& tx) {
            return shop.create_model(tx, {dell, "XPS 13", laptop});
          }).id;
  }

  // Runs a create in a transaction of its own, as the adapter does with the idempotency store's.
  template <class Fn>
  auto in_tx(Fn&& fn) -> decltype(fn(std::declval<Transaction&>())) {
    std::optional<decltype(fn(std::declval<Transaction&>()))> out;
    repo.transact([&](Transaction& tx) { out = fn(tx); });
    return *out;
  }
  Device device(const std::string& serial, Id owner = kAnn) {
    return in_tx([&](Transaction& tx) {
      return shop.create_device(tx, accounts, {dell, xps, laptop, serial, owner, std::nullopt});
    });
  }
  Order order(Id device_id, const std::string& cost, const std::string& discount = "",
              Id customer = kAnn, std::optional<OrderStatus> status = {}) {
    NewOrder o;
    o.device_id = device_id;
    o.customer_id = customer;
    o.cost = cost;
    o.discount = discount;
    o.status = status;
    return in_tx([&](Transaction& tx) { return shop.create_order(tx, accounts, o); });
  }
  Payment payment(Id order_id, const std::string& due, const std::string& amount,
                  std::optional<PaymentStatus> status = {}) {
    return in_tx([&](Transaction& tx) {
      return shop.create_payment(tx, {order_id, due, amount, status, "Cash", "TXN001"});
    });
  }
  Assignment assign(Id order_id, Id user_id) {
    return in_tx([&](Transaction& tx) {
      return shop.create_assignment(tx, accounts, {order_id, user_id});
    });
  }
  OrderChanges changes(Id id) {
    OrderChanges c;
    c.id = id;
    return c;
  }
};

}  // namespace

// --- catalog ----------------------------------------------------------------------------------

TEST_CASE("catalog entries are created with their time and listed by id", "[domain]") {
  Shop s;
  const auto types = s.shop.list_device_types();
  REQUIRE(types.size() == 1);
  CHECK(types[0].name == "Laptop");
  CHECK(types[0].description == "Laptop computers");
  CHECK(types[0].created_at == s.clock.now());
  s.in_tx([&](Transaction& tx) { return s.shop.create_brand(tx, {"HP", std::nullopt}); });
  const auto brands = s.shop.list_brands();
  REQUIRE(brands.size() == 2);
  CHECK(brands[0].name == "Dell");
  CHECK(brands[1].name == "HP");
  CHECK_FALSE(brands[1].description.has_value());
  const auto models = s.shop.list_models();
  REQUIRE(models.size() == 1);
  CHECK(models[0].brand_id == s.dell);
  CHECK(models[0].device_type_id == s.laptop);
}

TEST_CASE("catalog names are unique, models per brand", "[domain]") {
  Shop s;
  refused(
      [&] {
        s.in_tx([&](Transaction& tx) { return s.shop.create_device_type(tx, {"laptop", {}}); });
      },
      ErrorCode::kAlreadyExists, "Device type already exists");
  refused([&] { s.in_tx([&](Transaction& tx) {
                  return s.shop.create_brand(tx, {"DELL", {}});
                }); },
          ErrorCode::kAlreadyExists, "Brand already exists");
  refused(
      [&] {
        s.in_tx([&](Transaction& tx) {
          return s.shop.create_model(tx, {s.dell, "XPS 13", s.laptop});
        });
      },
      ErrorCode::kAlreadyExists, "Model already exists");
  const Id hp = s.in_tx([&](Transaction& tx) { return s.shop.create_brand(tx, {"HP", {}}); }).id;
  CHECK(s.in_tx([&](Transaction& tx) {
           return s.shop.create_model(tx, {hp, "XPS 13", s.laptop});
         }).brand_id == hp);
}

TEST_CASE("a model needs an existing brand and device type", "[domain]") {
  Shop s;
  refused(
      [&] {
        s.in_tx([&](Transaction& tx) { return s.shop.create_model(tx, {999, "X", s.laptop}); });
      },
      ErrorCode::kNotFound, "Brand not found");
  refused(
      [&] {
        s.in_tx([&](Transaction& tx) { return s.shop.create_model(tx, {s.dell, "X", 999}); });
      },
      ErrorCode::kNotFound, "Device type not found");
  CHECK(s.shop.list_models().size() == 1);
}

TEST_CASE("catalog names must be present and fit", "[domain]") {
  Shop s;
  refused([&] { s.in_tx([&](Transaction& tx) {
                  return s.shop.create_brand(tx, {"", {}});
                }); },
          ErrorCode::kInvalidArgument, "name must not be empty");
  refused(
      [&] {
        s.in_tx([&](Transaction& tx) {
          return s.shop.create_brand(tx, {std::string(256, 'x'), {}});
        });
      },
      ErrorCode::kInvalidArgument, "name must be at most 255 characters");
  // 255 characters of two bytes each fit.
  std::string wide;
  for (int i = 0; i < 255; ++i) wide += "\xc3\xa9";
  CHECK(s.in_tx([&](Transaction& tx) { return s.shop.create_brand(tx, {wide, {}}); }).name == wide);
}

// --- devices ----------------------------------------------------------------------------------

TEST_CASE("a device is created for an existing owner and read back", "[domain]") {
  Shop s;
  const Device d = s.device("SN123456789");
  CHECK(d.id > 0);
  CHECK(d.owner_id == kAnn);
  CHECK(d.created_at == s.clock.now());
  CHECK(s.accounts.asked == std::vector<std::int64_t>{kAnn});
  const Device got = s.shop.get_device(d.id);
  CHECK(got.serial_number == "SN123456789");
  CHECK(got.model_id == s.xps);
  refused([&] { s.shop.get_device(999); }, ErrorCode::kNotFound, "Device not found");
}

TEST_CASE("a device's brand, model, type and owner must exist and agree", "[domain]") {
  Shop s;
  auto create = [&](Id brand, Id model, Id type, Id owner) {
    s.in_tx([&](Transaction& tx) {
      return s.shop.create_device(tx, s.accounts, {brand, model, type, "SN1", owner, {}});
    });
  };
  refused([&] { create(999, s.xps, s.laptop, kAnn); }, ErrorCode::kNotFound, "Brand not found");
  refused([&] { create(s.dell, 999, s.laptop, kAnn); }, ErrorCode::kNotFound, "Model not found");
  refused([&] { create(s.dell, s.xps, 999, kAnn); }, ErrorCode::kNotFound, "Device type not found");
  refused([&] { create(s.dell, s.xps, s.laptop, 999); }, ErrorCode::kNotFound, "Owner not found");
  refused([&] { create(s.dell, s.xps, s.laptop, 0); }, ErrorCode::kNotFound, "Owner not found");
  const Id hp = s.in_tx([&](Transaction& tx) { return s.shop.create_brand(tx, {"HP", {}}); }).id;
  refused([&] { create(hp, s.xps, s.laptop, kAnn); }, ErrorCode::kFailedPrecondition,
          "Model does not belong to the brand");
  const Id phone = s.in_tx([&](Transaction& tx) {
                      return s.shop.create_device_type(tx, {"Phone", {}});
                    }).id;
  refused([&] { create(s.dell, s.xps, phone, kAnn); }, ErrorCode::kFailedPrecondition,
          "Model is not of the device type");
  s.accounts.unavailable = true;
  refused([&] { create(s.dell, s.xps, s.laptop, kAnn); }, ErrorCode::kUnavailable,
          "Service unavailable");
  CHECK(s.repo.state.devices.empty());
}

TEST_CASE("serial numbers are unique", "[domain]") {
  Shop s;
  const Device first = s.device("SN1");
  refused([&] { s.device("SN1"); }, ErrorCode::kAlreadyExists, "Serial number already registered");
  const Device second = s.device("SN2");
  DeviceChanges c;
  c.id = second.id;
  c.serial_number = "SN1";
  refused([&] { s.shop.update_device(s.accounts, c); }, ErrorCode::kAlreadyExists,
          "Serial number already registered");
  CHECK(s.shop.get_device(second.id).serial_number == "SN2");
  c.serial_number = "SN2";  // its own serial is no conflict
  CHECK(s.shop.update_device(s.accounts, c).serial_number == "SN2");
  CHECK(first.id != second.id);
}

TEST_CASE("devices list by id, by owner, a page at a time", "[domain]") {
  Shop s;
  for (int i = 0; i < 5; ++i) s.device("A" + std::to_string(i), kAnn);
  for (int i = 0; i < 3; ++i) s.device("B" + std::to_string(i), kBob);
  CHECK(s.shop.list_devices({}, {}).size() == 8);
  const auto bobs = s.shop.list_devices({kBob}, {10, 0});
  REQUIRE(bobs.size() == 3);
  CHECK(bobs[0].serial_number == "B0");
  const auto page = s.shop.list_devices({kAnn}, {2, 3});
  REQUIRE(page.size() == 2);
  CHECK(page[0].serial_number == "A3");
  CHECK(page[1].serial_number == "A4");
  CHECK(s.shop.list_devices({kAnn}, {2, 10}).empty());
  refused(
      [&] {
        s.shop.list_devices({}, {0, 0});
      },
      ErrorCode::kInvalidArgument, "limit must be between 1 and 100");
  refused(
      [&] {
        s.shop.list_devices({}, {101, 0});
      },
      ErrorCode::kInvalidArgument, "limit must be between 1 and 100");
  refused(
      [&] {
        s.shop.list_devices({}, {10, -1});
      },
      ErrorCode::kInvalidArgument, "offset must not be negative");
  CHECK(s.shop.list_devices({}, {100, 0}).size() == 8);
}

TEST_CASE("a device update changes the fields given, clears notes, checks a new owner",
          "[domain]") {
  Shop s;
  Device d = s.device("SN1");
  DeviceChanges c;
  c.id = d.id;
  c.notes = "Screen replaced, working fine now";
  d = s.shop.update_device(s.accounts, c);
  CHECK(d.notes == "Screen replaced, working fine now");
  CHECK(d.serial_number == "SN1");

  DeviceChanges clear;
  clear.id = d.id;
  clear.clear_notes = true;
  CHECK_FALSE(s.shop.update_device(s.accounts, clear).notes.has_value());
  CHECK_FALSE(s.shop.get_device(d.id).notes.has_value());

  DeviceChanges both;
  both.id = d.id;
  both.notes = "x";
  both.clear_notes = true;
  refused([&] { s.shop.update_device(s.accounts, both); }, ErrorCode::kInvalidArgument,
          "notes cannot be both set and cleared");

  DeviceChanges owner;
  owner.id = d.id;
  owner.owner_id = 999;
  refused([&] { s.shop.update_device(s.accounts, owner); }, ErrorCode::kNotFound,
          "Owner not found");
  owner.owner_id = kBob;
  CHECK(s.shop.update_device(s.accounts, owner).owner_id == kBob);

  DeviceChanges model;
  model.id = d.id;
  model.model_id = 999;
  refused([&] { s.shop.update_device(s.accounts, model); }, ErrorCode::kNotFound,
          "Model not found");

  DeviceChanges missing;
  missing.id = 999;
  refused([&] { s.shop.update_device(s.accounts, missing); }, ErrorCode::kNotFound,
          "Device not found");
}

TEST_CASE("a device with orders cannot be deleted, one without can", "[domain]") {
  Shop s;
  const Device with = s.device("SN1");
  const Device without = s.device("SN2");
  s.order(with.id, "10.00");
  refused([&] { s.shop.delete_device(with.id); }, ErrorCode::kFailedPrecondition,
          "Device has orders");
  CHECK(s.shop.get_device(with.id).id == with.id);
  s.shop.delete_device(without.id);
  refused([&] { s.shop.get_device(without.id); }, ErrorCode::kNotFound, "Device not found");
  refused([&] { s.shop.delete_device(without.id); }, ErrorCode::kNotFound, "Device not found");
}

// --- orders -----------------------------------------------------------------------------------

TEST_CASE("an order is created Pending with exact money and its creation in the history",
          "[domain]") {
  Shop s;
  const Device d = s.device("SN1");
  const Order o = s.order(d.id, "250.00");
  CHECK(o.cost.str() == "250.00");
  CHECK(o.discount.str() == "0.00");
  CHECK(o.total_cost().str() == "250.00");
  CHECK(o.status == OrderStatus::kPending);
  CHECK_FALSE(o.completed_at.has_value());
  CHECK(o.created_at == s.clock.now());
  CHECK(o.updated_at == o.created_at);
  const auto history = s.shop.order_history(o.id);
  REQUIRE(history.size() == 1);
  CHECK_FALSE(history[0].from_status.has_value());
  CHECK(history[0].to_status == OrderStatus::kPending);
  CHECK(history[0].changed_at == o.created_at);
  const Order got = s.shop.get_order(o.id);
  CHECK(got.total_cost().str() == "250.00");
  CHECK(got.customer_id == kAnn);
}

TEST_CASE("300.00 - 25.00 = 275.00, and updated_at moves", "[domain]") {
  Shop s;
  const Order created = s.order(s.device("SN1").id, "250.00", "0.00");
  s.clock.advance(30min);
  OrderChanges c = s.changes(created.id);
  c.cost = "300.00";
  c.discount = "25.00";
  c.status = OrderStatus::kRepairing;
  c.note = "Diagnosis complete: Screen + battery replacement needed";
  const Order o = s.shop.update_order(s.accounts, c);
  CHECK(o.cost.str() == "300.00");
  CHECK(o.discount.str() == "25.00");
  CHECK(o.total_cost().str() == "275.00");
  CHECK(o.status == OrderStatus::kRepairing);
  CHECK_FALSE(o.completed_at.has_value());
  CHECK(o.created_at == created.created_at);
  CHECK(o.updated_at == created.created_at + 30min);
  CHECK(s.shop.get_order(o.id).total_cost().str() == "275.00");
  // Every change moves updated_at, a status-free one too.
  s.clock.advance(1min);
  OrderChanges note = s.changes(o.id);
  note.note = "waiting for parts";
  CHECK(s.shop.update_order(s.accounts, note).updated_at == created.created_at + 31min);
}

TEST_CASE("a discount above the cost is refused, on create and update", "[domain]") {
  Shop s;
  const Device d = s.device("SN1");
  refused([&] { s.order(d.id, "10.00", "10.01"); }, ErrorCode::kFailedPrecondition,
          "Discount cannot exceed cost");
  CHECK(s.repo.state.orders.empty());
  const Order o = s.order(d.id, "10.00", "10.00");  // equal is fine: total 0.00
  CHECK(o.total_cost().str() == "0.00");
  OrderChanges c = s.changes(o.id);
  c.cost = "5.00";  // below the discount kept
  refused([&] { s.shop.update_order(s.accounts, c); }, ErrorCode::kFailedPrecondition,
          "Discount cannot exceed cost");
  CHECK(s.shop.get_order(o.id).cost.str() == "10.00");
}

TEST_CASE("malformed or negative money is refused", "[domain]") {
  Shop s;
  const Device d = s.device("SN1");
  const std::string cost_text =
      "cost must be a non-negative decimal with at most two places and at most 9999999999.99";
  refused([&] { s.order(d.id, "-1.00"); }, ErrorCode::kInvalidArgument, cost_text);
  refused([&] { s.order(d.id, ""); }, ErrorCode::kInvalidArgument, cost_text);
  refused([&] { s.order(d.id, "1.005"); }, ErrorCode::kInvalidArgument, cost_text);
  refused([&] { s.order(d.id, "10.00", "-0.01"); }, ErrorCode::kInvalidArgument,
          "discount must be a non-negative decimal with at most two places and at most "
          "9999999999.99");
  refused([&] { s.payment(s.order(d.id, "1").id, "-5", "0"); }, ErrorCode::kInvalidArgument,
          "due_amount must be a non-negative decimal with at most two places and at most "
          "9999999999.99");
}

TEST_CASE("an order needs an existing device and customer", "[domain]") {
  Shop s;
  const Device d = s.device("SN1");
  refused([&] { s.order(999, "1.00"); }, ErrorCode::kNotFound, "Device not found");
  refused([&] { s.order(d.id, "1.00", "", 999); }, ErrorCode::kNotFound, "Customer not found");
  CHECK(s.repo.state.orders.empty());
  CHECK(s.repo.state.history.empty());
  const Order o = s.order(d.id, "1.00");
  OrderChanges c = s.changes(o.id);
  c.device_id = 999;
  refused([&] { s.shop.update_order(s.accounts, c); }, ErrorCode::kNotFound, "Device not found");
  c = s.changes(o.id);
  c.customer_id = 999;
  refused([&] { s.shop.update_order(s.accounts, c); }, ErrorCode::kNotFound, "Customer not found");
  c.customer_id = kBob;
  CHECK(s.shop.update_order(s.accounts, c).customer_id == kBob);
  refused([&] { s.shop.get_order(999); }, ErrorCode::kNotFound, "Order not found");
  refused([&] { s.shop.update_order(s.accounts, s.changes(999)); }, ErrorCode::kNotFound,
          "Order not found");
  refused([&] { s.shop.order_history(999); }, ErrorCode::kNotFound, "Order not found");
}

TEST_CASE(
    "completed_at is set on becoming Completed and cleared on leaving it, history keeps "
    "every change",
    "[domain]") {
  Shop s;
  const Order o = s.order(s.device("SN1").id, "100.00");
  auto set_status = [&](OrderStatus status) {
    s.clock.advance(1h);
    OrderChanges c = s.changes(o.id);
    c.status = status;
    return s.shop.update_order(s.accounts, c);
  };
  CHECK_FALSE(set_status(OrderStatus::kRepairing).completed_at.has_value());
  const Order done = set_status(OrderStatus::kCompleted);
  REQUIRE(done.completed_at.has_value());
  CHECK(*done.completed_at == s.clock.now());
  CHECK(s.shop.get_order(o.id).completed_at == done.completed_at);
  // Completed again: no change, completed_at stays, no history row.
  const Order again = set_status(OrderStatus::kCompleted);
  CHECK(again.completed_at == done.completed_at);
  CHECK(again.updated_at == s.clock.now());
  const Order reopened = set_status(OrderStatus::kRepairing);
  CHECK_FALSE(reopened.completed_at.has_value());
  CHECK_FALSE(s.shop.get_order(o.id).completed_at.has_value());
  set_status(OrderStatus::kCancelled);

  const auto history = s.shop.order_history(o.id);
  REQUIRE(history.size() == 5);
  const std::vector<std::pair<std::optional<OrderStatus>, OrderStatus>> want = {
      {std::nullopt, OrderStatus::kPending},
      {OrderStatus::kPending, OrderStatus::kRepairing},
      {OrderStatus::kRepairing, OrderStatus::kCompleted},
      {OrderStatus::kCompleted, OrderStatus::kRepairing},
      {OrderStatus::kRepairing, OrderStatus::kCancelled}};
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO(i);
    CHECK(history[i].from_status == want[i].first);
    CHECK(history[i].to_status == want[i].second);
  }
  CHECK(history[2].changed_at == *done.completed_at);
}

TEST_CASE("an order created Completed has completed_at at once", "[domain]") {
  Shop s;
  const Order o = s.order(s.device("SN1").id, "1.00", "", kAnn, OrderStatus::kCompleted);
  CHECK(o.completed_at == o.created_at);
  CHECK(s.shop.order_history(o.id).at(0).to_status == OrderStatus::kCompleted);
}

TEST_CASE("nullable order fields are cleared by name, not by being absent", "[domain]") {
  Shop s;
  NewOrder n;
  n.device_id = s.device("SN1").id;
  n.customer_id = kAnn;
  n.cost = "1.00";
  n.problem_id = 4;
  n.note = "note";
  n.estimated_completion_date = s.clock.now() + 48h + 1ns;  // floored to microseconds
  const Order o = s.in_tx([&](Transaction& tx) { return s.shop.create_order(tx, s.accounts, n); });
  CHECK(o.estimated_completion_date == s.clock.now() + 48h);
  OrderChanges untouched = s.changes(o.id);
  untouched.cost = "2.00";
  const Order kept = s.shop.update_order(s.accounts, untouched);
  CHECK(kept.problem_id == 4);
  CHECK(kept.note == "note");
  CHECK(kept.estimated_completion_date.has_value());
  OrderChanges c = s.changes(o.id);
  c.clear_problem_id = c.clear_note = c.clear_estimated_completion_date = true;
  const Order cleared = s.shop.update_order(s.accounts, c);
  CHECK_FALSE(cleared.problem_id.has_value());
  CHECK_FALSE(cleared.note.has_value());
  CHECK_FALSE(cleared.estimated_completion_date.has_value());
  OrderChanges both = s.changes(o.id);
  both.note = "x";
  both.clear_note = true;
  refused([&] { s.shop.update_order(s.accounts, both); }, ErrorCode::kInvalidArgument,
          "note cannot be both set and cleared");
}

TEST_CASE("orders list by id with status, customer and device filters", "[domain]") {
  Shop s;
  const Device d1 = s.device("SN1");
  const Device d2 = s.device("SN2", kBob);
  const Order a = s.order(d1.id, "1.00");
  const Order b = s.order(d2.id, "2.00", "", kBob, OrderStatus::kCompleted);
  const Order c = s.order(d1.id, "3.00", "", kAnn, OrderStatus::kCompleted);
  auto ids = [](const std::vector<Order>& orders) {
    std::vector<Id> out;
    for (const auto& o : orders) out.push_back(o.id);
    return out;
  };
  CHECK(ids(s.shop.list_orders({}, {})) == std::vector<Id>{a.id, b.id, c.id});
  CHECK(ids(s.shop.list_orders({OrderStatus::kCompleted, {}, {}}, {})) ==
        std::vector<Id>{b.id, c.id});
  CHECK(ids(s.shop.list_orders({{}, kAnn, {}}, {})) == std::vector<Id>{a.id, c.id});
  CHECK(ids(s.shop.list_orders({OrderStatus::kCompleted, kAnn, d1.id}, {})) ==
        std::vector<Id>{c.id});
  CHECK(ids(s.shop.list_orders({{}, {}, d2.id}, {})) == std::vector<Id>{b.id});
  CHECK(ids(s.shop.list_orders({}, {1, 1})) == std::vector<Id>{b.id});
  CHECK(s.shop.list_orders({OrderStatus::kCancelled, {}, {}}, {}).empty());
}

TEST_CASE("an order with payments cannot be deleted, without, its assignments and history go",
          "[domain]") {
  Shop s;
  const Device d = s.device("SN1");
  const Order paid = s.order(d.id, "10.00");
  s.payment(paid.id, "10.00", "10.00", PaymentStatus::kPaid);
  refused([&] { s.shop.delete_order(paid.id); }, ErrorCode::kFailedPrecondition,
          "Order has payments");
  CHECK(s.shop.get_order(paid.id).id == paid.id);

  const Order free = s.order(d.id, "5.00");
  const Assignment a = s.assign(free.id, kTech);
  s.shop.delete_order(free.id);
  refused([&] { s.shop.get_order(free.id); }, ErrorCode::kNotFound, "Order not found");
  refused([&] { s.shop.get_assignment(a.id); }, ErrorCode::kNotFound, "Assignment not found");
  CHECK(s.repo.state.history.size() == 1);  // the paid order's creation only
  refused([&] { s.shop.delete_order(free.id); }, ErrorCode::kNotFound, "Order not found");
}

// --- assignments ------------------------------------------------------------------------------

TEST_CASE("an assignment needs an existing order and user, once per pair", "[domain]") {
  Shop s;
  const Order o = s.order(s.device("SN1").id, "1.00");
  const Assignment a = s.assign(o.id, kTech);
  CHECK(a.order_id == o.id);
  CHECK(a.user_id == kTech);
  CHECK(a.customer_id == kAnn);
  CHECK(a.assigned_at == s.clock.now());
  refused([&] { s.assign(o.id, kTech); }, ErrorCode::kAlreadyExists, "Assignment already exists");
  refused([&] { s.assign(999, kTech); }, ErrorCode::kNotFound, "Order not found");
  refused([&] { s.assign(o.id, 999); }, ErrorCode::kNotFound, "User not found");
  CHECK(s.assign(o.id, kBob).id != a.id);
  const Assignment got = s.shop.get_assignment(a.id);
  CHECK(got.customer_id == kAnn);
  refused([&] { s.shop.get_assignment(999); }, ErrorCode::kNotFound, "Assignment not found");
}

TEST_CASE("assignments list all without a page, filtered by order, user and customer", "[domain]") {
  Shop s;
  const Order ann = s.order(s.device("SN1").id, "1.00");
  const Order bob = s.order(s.device("SN2", kBob).id, "1.00", "", kBob);
  for (Id user : {kTech, kAnn, kBob}) s.assign(ann.id, user);
  s.assign(bob.id, kTech);
  for (int i = 0; i < 12; ++i) {
    const Id user = 100 + i;
    s.accounts.ids.insert(user);
    s.assign(bob.id, user);
  }
  CHECK(s.shop.list_assignments({}, std::nullopt).size() == 16);
  CHECK(s.shop.list_assignments({bob.id, {}, {}}, std::nullopt).size() == 13);
  CHECK(s.shop.list_assignments({{}, kTech, {}}, std::nullopt).size() == 2);
  const auto anns = s.shop.list_assignments({{}, {}, kAnn}, std::nullopt);
  REQUIRE(anns.size() == 3);
  for (const auto& a : anns) CHECK(a.customer_id == kAnn);
  CHECK(s.shop.list_assignments({}, Page{10, 0}).size() == 10);
  CHECK(s.shop.list_assignments({}, Page{10, 10}).size() == 6);
  refused(
      [&] {
        s.shop.list_assignments({}, Page{0, 0});
      },
      ErrorCode::kInvalidArgument, "limit must be between 1 and 100");
}

TEST_CASE("assignments are deleted by id", "[domain]") {
  Shop s;
  const Assignment a = s.assign(s.order(s.device("SN1").id, "1.00").id, kTech);
  s.shop.delete_assignment(a.id);
  refused([&] { s.shop.delete_assignment(a.id); }, ErrorCode::kNotFound, "Assignment not found");
}

// --- payments ---------------------------------------------------------------------------------

TEST_CASE("a payment is recorded against an existing order, Unpaid by default", "[domain]") {
  Shop s;
  const Order o = s.order(s.device("SN1").id, "300.00", "25.00");
  const Payment p = s.payment(o.id, "275.00", "150.00", PaymentStatus::kPartial);
  CHECK(p.due_amount.str() == "275.00");
  CHECK(p.amount.str() == "150.00");
  CHECK(p.status == PaymentStatus::kPartial);
  CHECK(p.payment_method == "Cash");
  CHECK(p.transaction_id == "TXN001");
  CHECK(p.customer_id == kAnn);
  CHECK(p.created_at == s.clock.now());
  CHECK(s.payment(o.id, "1", "0").status == PaymentStatus::kUnpaid);
  refused([&] { s.payment(999, "1.00", "1.00"); }, ErrorCode::kNotFound, "Order not found");
  CHECK(s.shop.get_payment(p.id).amount.str() == "150.00");
  refused([&] { s.shop.get_payment(999); }, ErrorCode::kNotFound, "Payment not found");
}

TEST_CASE("a payment update changes what is given and clears by name", "[domain]") {
  Shop s;
  const Order o = s.order(s.device("SN1").id, "275.00");
  const Payment p = s.payment(o.id, "275.00", "150.00", PaymentStatus::kPartial);
  PaymentChanges c;
  c.id = p.id;
  c.amount = "275.00";
  c.status = PaymentStatus::kPaid;
  c.payment_method = "Card";
  const Payment paid = s.shop.update_payment(c);
  CHECK(paid.amount.str() == "275.00");
  CHECK(paid.due_amount.str() == "275.00");
  CHECK(paid.status == PaymentStatus::kPaid);
  CHECK(paid.payment_method == "Card");
  CHECK(paid.transaction_id == "TXN001");
  PaymentChanges clear;
  clear.id = p.id;
  clear.clear_payment_method = clear.clear_transaction_id = true;
  const Payment cleared = s.shop.update_payment(clear);
  CHECK_FALSE(cleared.payment_method.has_value());
  CHECK_FALSE(cleared.transaction_id.has_value());
  CHECK(cleared.status == PaymentStatus::kPaid);
  PaymentChanges negative;
  negative.id = p.id;
  negative.amount = "-1";
  refused([&] { s.shop.update_payment(negative); }, ErrorCode::kInvalidArgument,
          "amount must be a non-negative decimal with at most two places and at most "
          "9999999999.99");
  PaymentChanges missing;
  missing.id = 999;
  refused([&] { s.shop.update_payment(missing); }, ErrorCode::kNotFound, "Payment not found");
}

TEST_CASE("payments list by id with status, order and customer filters, delete", "[domain]") {
  Shop s;
  const Order ann = s.order(s.device("SN1").id, "10.00");
  const Order bob = s.order(s.device("SN2", kBob).id, "10.00", "", kBob);
  const Payment p1 = s.payment(ann.id, "10", "5", PaymentStatus::kPartial);
  const Payment p2 = s.payment(bob.id, "10", "10", PaymentStatus::kPaid);
  const Payment p3 = s.payment(ann.id, "5", "5", PaymentStatus::kPaid);
  auto ids = [](const std::vector<Payment>& payments) {
    std::vector<Id> out;
    for (const auto& p : payments) out.push_back(p.id);
    return out;
  };
  CHECK(ids(s.shop.list_payments({}, {})) == std::vector<Id>{p1.id, p2.id, p3.id});
  CHECK(ids(s.shop.list_payments({PaymentStatus::kPaid, {}, {}}, {})) ==
        std::vector<Id>{p2.id, p3.id});
  CHECK(ids(s.shop.list_payments({{}, ann.id, {}}, {})) == std::vector<Id>{p1.id, p3.id});
  CHECK(ids(s.shop.list_payments({{}, {}, kBob}, {})) == std::vector<Id>{p2.id});
  CHECK(ids(s.shop.list_payments({PaymentStatus::kPaid, {}, kAnn}, {1, 0})) ==
        std::vector<Id>{p3.id});
  s.shop.delete_payment(p1.id);
  refused([&] { s.shop.delete_payment(p1.id); }, ErrorCode::kNotFound, "Payment not found");
  CHECK(s.shop.list_payments({}, {}).size() == 2);
}
