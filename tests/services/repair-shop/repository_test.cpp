// The repair shop's domain on the MariaDB repository (TEST_DB_*): unique keys to their texts,
// exact DECIMAL money, DATETIME(6) times, foreign keys, cascades, filters and pages in SQL, and
// concurrent duplicates. Each test has a database of its own, dropped after.
#include <catch2/catch.hpp>
#include <future>

#include "domain/repair_shop.h"
#include "fakes.h"
#include "fleet/common/error.h"
#include "repository/mariadb_repair_shop_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::repair_shop;
using namespace std::chrono_literals;
using fleet::DomainError;
using fleet::ErrorCode;

namespace {

constexpr Id kAnn = 7;
constexpr Id kBob = 8;
constexpr Id kTech = 20;

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

struct Db {
  fleet::db::testing::TestDatabase db;
  fleet::db::Config config;
  // Microseconds that are not round, to see DATETIME(6) keep them.
  fleet::ManualClock clock{std::chrono::sys_days{std::chrono::January / 10 / 2025} + 10h +
                           123456us};
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<MariadbRepairShopRepository> repository;
  std::unique_ptr<RepairShop> shop;
  testing::FakeAccounts accounts;
  Id laptop = 0, dell = 0, xps = 0;

  Db() : config(db.config()) {
    config.pool_size = 16;
    fleet::db::migrate(config, kMigrations);
    restart();
    accounts.ids = {kAnn, kBob, kTech};
    laptop = in_tx([&](Transaction& tx) {
               return shop->create_device_type(tx, {"Laptop", "Laptop computers"});
             }).id;
    dell = in_tx([&](Transaction& tx) { return shop->create_brand(tx, {"Dell", {}}); }).id;
    xps = in_tx([&](Transaction& tx) {
            return shop->create_model(tx, {dell, "XPS 13", laptop});
          }).id;
  }
  // A fresh instance: nothing survives but what the database holds.
  void restart() {
    shop.reset();
    repository.reset();
    pool = std::make_unique<fleet::db::Pool>(config);
    repository = std::make_unique<MariadbRepairShopRepository>(*pool);
    shop = std::make_unique<RepairShop>(*repository, clock);
  }
  template <class Fn>
  auto in_tx(Fn&& fn) -> decltype(fn(std::declval<Transaction&>())) {
    std::optional<decltype(fn(std::declval<Transaction&>()))> out;
    repository->transact([&](Transaction& tx) { out = fn(tx); });
    return *out;
  }
  Device device(const std::string& serial, Id owner = kAnn) {
    return in_tx([&](Transaction& tx) {
      return shop->create_device(tx, accounts,
                                 {dell, xps, laptop, serial, owner, "Screen cracked"});
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
    return in_tx([&](Transaction& tx) { return shop->create_order(tx, accounts, o); });
  }
  Payment payment(Id order_id, const std::string& due, const std::string& amount,
                  std::optional<PaymentStatus> status = {}) {
    return in_tx([&](Transaction& tx) {
      return shop->create_payment(tx, {order_id, due, amount, status, "Cash", std::nullopt});
    });
  }
  Assignment assign(Id order_id, Id user_id) {
    return in_tx([&](Transaction& tx) {
      return shop->create_assignment(tx, accounts, {order_id, user_id});
    });
  }
  std::string sql_text(const std::string& sql, const fleet::db::Params& params = {}) {
    auto row = pool->acquire()->query_one(sql, params);
    return row && !row->is_null(0) ? row->str(0) : "NULL";
  }
  std::int64_t count(const std::string& sql, const fleet::db::Params& params = {}) {
    return pool->acquire()->query_one(sql, params)->i64(0);
  }
};

}  // namespace

TEST_CASE("catalog names are unique in MariaDB, case-insensitively, models per brand",
          "[integration]") {
  Db d;
  refused(
      [&] {
        d.in_tx([&](Transaction& tx) { return d.shop->create_device_type(tx, {"LAPTOP", {}}); });
      },
      ErrorCode::kAlreadyExists, "Device type already exists");
  refused([&] { d.in_tx([&](Transaction& tx) {
                  return d.shop->create_brand(tx, {"dell", {}});
                }); },
          ErrorCode::kAlreadyExists, "Brand already exists");
  refused(
      [&] {
        d.in_tx([&](Transaction& tx) {
          return d.shop->create_model(tx, {d.dell, "xps 13", d.laptop});
        });
      },
      ErrorCode::kAlreadyExists, "Model already exists");
  const Id hp = d.in_tx([&](Transaction& tx) {
                   return d.shop->create_brand(tx, {"HP", "Hewlett"});
                 }).id;
  d.in_tx([&](Transaction& tx) { return d.shop->create_model(tx, {hp, "XPS 13", d.laptop}); });
  refused(
      [&] {
        d.in_tx([&](Transaction& tx) { return d.shop->create_model(tx, {999, "X", d.laptop}); });
      },
      ErrorCode::kNotFound, "Brand not found");

  d.restart();
  const auto brands = d.shop->list_brands();
  REQUIRE(brands.size() == 2);
  CHECK(brands[0].name == "Dell");
  CHECK_FALSE(brands[0].description.has_value());
  CHECK(brands[1].description == "Hewlett");
  CHECK(brands[1].created_at == d.clock.now());  // microseconds kept
  CHECK(d.shop->list_models().size() == 2);
  CHECK(d.shop->list_device_types().at(0).description == "Laptop computers");
}

TEST_CASE("devices round-trip, serial numbers are unique, notes clear to NULL", "[integration]") {
  Db d;
  const Device created = d.device("SN123456789");
  refused([&] { d.device("SN123456789"); }, ErrorCode::kAlreadyExists,
          "Serial number already registered");
  d.restart();
  const Device got = d.shop->get_device(created.id);
  CHECK(got.serial_number == "SN123456789");
  CHECK(got.brand_id == d.dell);
  CHECK(got.model_id == d.xps);
  CHECK(got.device_type_id == d.laptop);
  CHECK(got.owner_id == kAnn);
  CHECK(got.notes == "Screen cracked");
  CHECK(got.created_at == created.created_at);

  const Device other = d.device("SN2", kBob);
  DeviceChanges c;
  c.id = other.id;
  c.serial_number = "SN123456789";
  refused([&] { d.shop->update_device(d.accounts, c); }, ErrorCode::kAlreadyExists,
          "Serial number already registered");
  DeviceChanges clear;
  clear.id = other.id;
  clear.clear_notes = true;
  d.shop->update_device(d.accounts, clear);
  CHECK(d.sql_text("SELECT notes FROM devices WHERE id = ?", {other.id}) == "NULL");
  CHECK(d.sql_text("SELECT serial_number FROM devices WHERE id = ?", {other.id}) == "SN2");
}

TEST_CASE("device and order lists filter and page in SQL, ordered by id", "[integration]") {
  Db d;
  std::vector<Id> anns, bobs;
  for (int i = 0; i < 4; ++i) anns.push_back(d.device("A" + std::to_string(i), kAnn).id);
  for (int i = 0; i < 3; ++i) bobs.push_back(d.device("B" + std::to_string(i), kBob).id);
  auto device_ids = [](const std::vector<Device>& v) {
    std::vector<Id> out;
    for (const auto& x : v) out.push_back(x.id);
    return out;
  };
  CHECK(device_ids(d.shop->list_devices({kBob}, {10, 0})) == bobs);
  CHECK(device_ids(d.shop->list_devices({kAnn}, {2, 1})) == std::vector<Id>{anns[1], anns[2]});
  CHECK(d.shop->list_devices({}, {100, 0}).size() == 7);
  CHECK(d.shop->list_devices({}, {10, 7}).empty());

  const Order o1 = d.order(anns[0], "1.00");
  const Order o2 = d.order(bobs[0], "2.00", "", kBob, OrderStatus::kRepairing);
  const Order o3 = d.order(anns[0], "3.00", "", kAnn, OrderStatus::kRepairing);
  const Order o4 = d.order(anns[1], "4.00", "", kAnn, OrderStatus::kCompleted);
  auto order_ids = [](const std::vector<Order>& v) {
    std::vector<Id> out;
    for (const auto& x : v) out.push_back(x.id);
    return out;
  };
  using V = std::vector<Id>;
  CHECK(order_ids(d.shop->list_orders({}, {})) == V{o1.id, o2.id, o3.id, o4.id});
  CHECK(order_ids(d.shop->list_orders({OrderStatus::kRepairing, {}, {}}, {})) == V{o2.id, o3.id});
  CHECK(order_ids(d.shop->list_orders({{}, kAnn, {}}, {})) == V{o1.id, o3.id, o4.id});
  CHECK(order_ids(d.shop->list_orders({{}, {}, anns[0]}, {})) == V{o1.id, o3.id});
  CHECK(order_ids(d.shop->list_orders({OrderStatus::kRepairing, kAnn, {}}, {})) == V{o3.id});
  CHECK(order_ids(d.shop->list_orders({OrderStatus::kRepairing, {}, anns[0]}, {})) == V{o3.id});
  CHECK(order_ids(d.shop->list_orders({{}, kAnn, anns[1]}, {})) == V{o4.id});
  CHECK(order_ids(d.shop->list_orders({OrderStatus::kCompleted, kAnn, anns[1]}, {})) == V{o4.id});
  CHECK(order_ids(d.shop->list_orders({}, {2, 1})) == V{o2.id, o3.id});
  CHECK(d.shop->list_orders({OrderStatus::kCancelled, {}, {}}, {}).empty());
}

TEST_CASE("order money is exact DECIMAL: 300.00 - 25.00 = 275.00", "[integration]") {
  Db d;
  const Order created = d.order(d.device("SN1").id, "250.00", "0.00");
  d.clock.advance(30min);
  OrderChanges c;
  c.id = created.id;
  c.cost = "300.00";
  c.discount = "25.00";
  c.status = OrderStatus::kRepairing;
  d.shop->update_order(d.accounts, c);
  d.restart();
  const Order o = d.shop->get_order(created.id);
  CHECK(o.cost.str() == "300.00");
  CHECK(o.discount.str() == "25.00");
  CHECK(o.total_cost().str() == "275.00");
  CHECK(o.updated_at == created.created_at + 30min);
  CHECK(o.created_at == created.created_at);
  CHECK(d.sql_text("SELECT cost - discount FROM orders WHERE id = ?", {o.id}) == "275.00");
  CHECK(d.sql_text("SELECT cost FROM orders WHERE id = ?", {o.id}) == "300.00");
  // The largest amount a DECIMAL(12,2) holds, exactly.
  const Order big = d.order(d.device("SN2").id, "9999999999.99", "0.01");
  CHECK(d.shop->get_order(big.id).total_cost().str() == "9999999999.98");
}

TEST_CASE("completed_at and the history persist, times to the microsecond", "[integration]") {
  Db d;
  const Order o = d.order(d.device("SN1").id, "10.00");
  auto set_status = [&](OrderStatus status) {
    d.clock.advance(1h + 1us);
    OrderChanges c;
    c.id = o.id;
    c.status = status;
    d.shop->update_order(d.accounts, c);
  };
  set_status(OrderStatus::kCompleted);
  const auto completed_at = d.clock.now();
  d.restart();
  CHECK(d.shop->get_order(o.id).completed_at == completed_at);
  set_status(OrderStatus::kRepairing);
  CHECK(d.sql_text("SELECT completed_at FROM orders WHERE id = ?", {o.id}) == "NULL");
  CHECK_FALSE(d.shop->get_order(o.id).completed_at.has_value());
  const auto history = d.shop->order_history(o.id);
  REQUIRE(history.size() == 3);
  CHECK_FALSE(history[0].from_status.has_value());
  CHECK(history[0].to_status == OrderStatus::kPending);
  CHECK(history[0].changed_at == o.created_at);
  CHECK(history[1].from_status == OrderStatus::kPending);
  CHECK(history[1].to_status == OrderStatus::kCompleted);
  CHECK(history[1].changed_at == completed_at);
  CHECK(history[2].from_status == OrderStatus::kCompleted);
  CHECK(history[2].to_status == OrderStatus::kRepairing);
}

TEST_CASE("a refused change leaves nothing behind", "[integration]") {
  Db d;
  const Order o = d.order(d.device("SN1").id, "10.00", "1.00");
  OrderChanges c;
  c.id = o.id;
  c.status = OrderStatus::kCompleted;
  c.cost = "0.50";  // below the discount: the whole change is refused
  refused([&] { d.shop->update_order(d.accounts, c); }, ErrorCode::kFailedPrecondition,
          "Discount cannot exceed cost");
  CHECK(d.count("SELECT COUNT(*) FROM order_status_history WHERE order_id = ?", {o.id}) == 1);
  CHECK(d.sql_text("SELECT status FROM orders WHERE id = ?", {o.id}) == "Pending");
  refused([&] { d.order(999, "1.00"); }, ErrorCode::kNotFound, "Device not found");
  refused([&] { d.order(o.device_id, "1.00", "", 999); }, ErrorCode::kNotFound,
          "Customer not found");
  CHECK(d.count("SELECT COUNT(*) FROM orders") == 1);
  CHECK(d.count("SELECT COUNT(*) FROM order_status_history") == 1);
}

TEST_CASE("referenced rows are refused with a reason, foreign keys back it up", "[integration]") {
  Db d;
  const Device dev = d.device("SN1");
  const Order o = d.order(dev.id, "10.00");
  const Payment p = d.payment(o.id, "10.00", "10.00", PaymentStatus::kPaid);
  refused([&] { d.shop->delete_device(dev.id); }, ErrorCode::kFailedPrecondition,
          "Device has orders");
  refused([&] { d.shop->delete_order(o.id); }, ErrorCode::kFailedPrecondition,
          "Order has payments");
  // The schema refuses too, whatever the code does.
  CHECK_THROWS_AS(d.pool->acquire()->execute("DELETE FROM devices WHERE id = ?", {dev.id}),
                  fleet::db::Error);
  CHECK_THROWS_AS(d.pool->acquire()->execute("DELETE FROM orders WHERE id = ?", {o.id}),
                  fleet::db::Error);
  CHECK_THROWS_AS(d.pool->acquire()->execute("DELETE FROM brands WHERE id = ?", {d.dell}),
                  fleet::db::Error);

  d.shop->delete_payment(p.id);
  d.assign(o.id, kTech);
  d.shop->delete_order(o.id);  // its assignments and history go with it
  CHECK(d.count("SELECT COUNT(*) FROM assignments") == 0);
  CHECK(d.count("SELECT COUNT(*) FROM order_status_history") == 0);
  d.shop->delete_device(dev.id);
  CHECK(d.count("SELECT COUNT(*) FROM devices") == 0);
}

TEST_CASE("assignments and payments carry their order's customer, and filter by it",
          "[integration]") {
  Db d;
  const Order ann = d.order(d.device("SN1").id, "10.00");
  const Order bob = d.order(d.device("SN2", kBob).id, "20.00", "", kBob);
  const Assignment a1 = d.assign(ann.id, kTech);
  const Assignment a2 = d.assign(bob.id, kTech);
  d.assign(bob.id, kAnn);
  refused([&] { d.assign(ann.id, kTech); }, ErrorCode::kAlreadyExists, "Assignment already exists");
  refused([&] { d.assign(ann.id, 999); }, ErrorCode::kNotFound, "User not found");
  CHECK(d.shop->get_assignment(a1.id).customer_id == kAnn);
  CHECK(d.shop->get_assignment(a2.id).assigned_at == a2.assigned_at);
  CHECK(d.shop->list_assignments({}, std::nullopt).size() == 3);
  CHECK(d.shop->list_assignments({{}, {}, kBob}, std::nullopt).size() == 2);
  CHECK(d.shop->list_assignments({bob.id, kTech, kBob}, std::nullopt).at(0).id == a2.id);
  CHECK(d.shop->list_assignments({{}, kTech, {}}, Page{1, 1}).at(0).id == a2.id);
  CHECK(d.shop->list_assignments({ann.id, {}, kBob}, std::nullopt).empty());

  const Payment p1 = d.payment(ann.id, "275.00", "150.00", PaymentStatus::kPartial);
  const Payment p2 = d.payment(bob.id, "20", "0");
  CHECK(d.shop->get_payment(p1.id).customer_id == kAnn);
  const Payment p2_read = d.shop->get_payment(p2.id);
  CHECK(p2_read.customer_id == kBob);
  CHECK(p2_read.status == PaymentStatus::kUnpaid);
  CHECK(p2_read.due_amount.str() == "20.00");
  CHECK_FALSE(p2_read.transaction_id.has_value());
  CHECK(d.shop->list_payments({{}, {}, kBob}, {}).at(0).id == p2.id);
  CHECK(d.shop->list_payments({PaymentStatus::kPartial, ann.id, kAnn}, {}).at(0).id == p1.id);
  CHECK(d.shop->list_payments({PaymentStatus::kPaid, {}, {}}, {}).empty());
  CHECK(d.shop->list_payments({}, {1, 1}).at(0).id == p2.id);

  // Changing an order's customer moves its payments and assignments with it.
  OrderChanges c;
  c.id = bob.id;
  c.customer_id = kAnn;
  d.shop->update_order(d.accounts, c);
  CHECK(d.shop->get_payment(p2.id).customer_id == kAnn);
  CHECK(d.shop->list_assignments({{}, {}, kAnn}, std::nullopt).size() == 3);

  PaymentChanges pc;
  pc.id = p1.id;
  pc.amount = "275.00";
  pc.status = PaymentStatus::kPaid;
  pc.clear_payment_method = true;
  d.shop->update_payment(pc);
  CHECK(d.sql_text("SELECT amount FROM payments WHERE id = ?", {p1.id}) == "275.00");
  CHECK(d.sql_text("SELECT status FROM payments WHERE id = ?", {p1.id}) == "Paid");
  CHECK(d.sql_text("SELECT payment_method FROM payments WHERE id = ?", {p1.id}) == "NULL");
  d.shop->delete_assignment(a1.id);
  refused([&] { d.shop->get_assignment(a1.id); }, ErrorCode::kNotFound, "Assignment not found");
}

TEST_CASE("concurrent duplicates: one row, the others refused with the text", "[integration]") {
  Db d;
  const Order o = d.order(d.device("SN0").id, "1.00");
  std::promise<void> go;
  auto start = go.get_future().share();
  std::vector<std::future<std::string>> results;
  for (int i = 0; i < 12; ++i) {
    results.push_back(std::async(std::launch::async, [&, i, start] {
      start.wait();
      try {
        if (i % 2 == 0) {
          d.assign(o.id, kTech);
        } else {
          d.device("SN-SAME");
        }
        return std::string("ok");
      } catch (const DomainError& e) {
        return std::string(e.what());
      }
    }));
  }
  go.set_value();
  int ok = 0;
  for (auto& r : results) {
    const auto outcome = r.get();
    if (outcome == "ok") {
      ++ok;
    } else {
      CHECK((outcome == "Assignment already exists" ||
             outcome == "Serial number already registered"));
    }
  }
  CHECK(ok == 2);
  CHECK(d.count("SELECT COUNT(*) FROM assignments") == 1);
  CHECK(d.count("SELECT COUNT(*) FROM devices WHERE serial_number = 'SN-SAME'") == 1);
}

TEST_CASE("an order racing its device's deletion: one of them wins, cleanly", "[integration]") {
  Db d;
  for (int round = 0; round < 5; ++round) {
    const Device dev = d.device("RACE" + std::to_string(round));
    std::promise<void> go;
    auto start = go.get_future().share();
    auto create = std::async(std::launch::async, [&, start] {
      start.wait();
      try {
        d.order(dev.id, "1.00");
        return std::string("ok");
      } catch (const DomainError& e) {
        return std::string(e.what());
      }
    });
    auto remove = std::async(std::launch::async, [&, start] {
      start.wait();
      try {
        d.shop->delete_device(dev.id);
        return std::string("ok");
      } catch (const DomainError& e) {
        return std::string(e.what());
      }
    });
    go.set_value();
    const auto created = create.get();
    const auto removed = remove.get();
    INFO(created << " / " << removed);
    CHECK(((created == "ok" && removed == "Device has orders") ||
           (created == "Device not found" && removed == "ok")));
  }
}
