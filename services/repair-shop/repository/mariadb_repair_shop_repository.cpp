#include "repository/mariadb_repair_shop_repository.h"

#include "domain/errors.h"
#include "fleet/db/nullable.h"

namespace fleet::repair_shop {
namespace {

std::string_view lock_clause(Lock lock) {
  switch (lock) {
    case Lock::kNone:
      return "";
    case Lock::kShare:
      return " LOCK IN SHARE MODE";
    case Lock::kUpdate:
      break;
  }
  return " FOR UPDATE";
}

std::string at(TimePoint t) { return db::format_datetime(t); }
db::Param at(const std::optional<TimePoint>& t) {
  if (!t) return nullptr;
  return db::format_datetime(*t);
}

// A WHERE clause of the filters present; one statement text per combination (each is cached).
struct Where {
  std::string sql;
  db::Params params;
  template <class T>
  void add(std::string_view condition, const std::optional<T>& value) {
    if (!value) return;
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += condition;
    params.emplace_back(*value);
  }
};

void append_page(std::string& sql, db::Params& params, const Page& page) {
  sql += " LIMIT ? OFFSET ?";
  params.emplace_back(page.limit);
  params.emplace_back(page.offset);
}

// The unique key named `key` refused the row: the client-safe text; any other duplicate
// propagates.
template <class Fn>
auto unique(std::string_view key, std::string_view taken, Fn&& fn) {
  try {
    return fn();
  } catch (const db::DuplicateKey& e) {
    if (e.key() == key) fail(ErrorCode::kAlreadyExists, taken);
    throw;
  }
}

CatalogEntry catalog_entry_of(const db::Row& row) {
  return {row.i64(0), row.str(1), row.opt(2), db::parse_datetime(row.str(3))};
}

constexpr std::string_view kSelectModel =
    "SELECT id, brand_id, name, device_type_id, created_at FROM models";
Model model_of(const db::Row& row) {
  return {row.i64(0), row.i64(1), row.str(2), row.i64(3), db::parse_datetime(row.str(4))};
}

constexpr std::string_view kSelectDevice =
    "SELECT id, brand_id, model_id, device_type_id, serial_number, owner_id, notes, created_at"
    " FROM devices";
Device device_of(const db::Row& row) {
  return {row.i64(0), row.i64(1), row.i64(2), row.i64(3),
          row.str(4), row.i64(5), row.opt(6), db::parse_datetime(row.str(7))};
}

OrderStatus order_status(const std::string& name) {
  const auto status = order_status_of(name);
  if (!status) throw db::Error(0, "unknown order status in the database: " + name);
  return *status;
}
PaymentStatus payment_status(const std::string& name) {
  const auto status = payment_status_of(name);
  if (!status) throw db::Error(0, "unknown payment status in the database: " + name);
  return *status;
}

constexpr std::string_view kSelectOrder =
    "SELECT id, device_id, customer_id, problem_id, cost, discount, note, status,"
    " estimated_completion_date, completed_at, created_at, updated_at FROM orders";
Order order_of(const db::Row& row) {
  Order o;
  o.id = row.i64(0);
  o.device_id = row.i64(1);
  o.customer_id = row.i64(2);
  o.problem_id = db::opt_i64(row, 3);
  o.cost = Money::from_db(row.str(4));
  o.discount = Money::from_db(row.str(5));
  o.note = row.opt(6);
  o.status = order_status(row.str(7));
  o.estimated_completion_date = db::opt_time(row, 8);
  o.completed_at = db::opt_time(row, 9);
  o.created_at = db::parse_datetime(row.str(10));
  o.updated_at = db::parse_datetime(row.str(11));
  return o;
}

constexpr std::string_view kSelectAssignment =
    "SELECT a.id, a.order_id, a.user_id, a.assigned_at, o.customer_id"
    " FROM assignments a JOIN orders o ON o.id = a.order_id";
Assignment assignment_of(const db::Row& row) {
  return {row.i64(0), row.i64(1), row.i64(2), db::parse_datetime(row.str(3)), row.i64(4)};
}

constexpr std::string_view kSelectPayment =
    "SELECT p.id, p.order_id, p.due_amount, p.amount, p.status, p.payment_method,"
    " p.transaction_id, p.created_at, o.customer_id"
    " FROM payments p JOIN orders o ON o.id = p.order_id";
Payment payment_of(const db::Row& row) {
  Payment p;
  p.id = row.i64(0);
  p.order_id = row.i64(1);
  p.due_amount = Money::from_db(row.str(2));
  p.amount = Money::from_db(row.str(3));
  p.status = payment_status(row.str(4));
  p.payment_method = row.opt(5);
  p.transaction_id = row.opt(6);
  p.created_at = db::parse_datetime(row.str(7));
  p.customer_id = row.i64(8);
  return p;
}

template <class T, class Of>
std::vector<T> all_of(const std::vector<db::Row>& rows, Of&& of) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(of(row));
  return out;
}

template <class T, class Of>
std::optional<T> one_of(const std::optional<db::Row>& row, Of&& of) {
  if (!row) return std::nullopt;
  return of(*row);
}

}  // namespace

// --- catalog ----------------------------------------------------------------------------------

Id MariadbTransaction::insert_catalog_entry(std::string_view table, const NewCatalogEntry& entry,
                                            TimePoint now, std::string_view taken) {
  return unique("uq_" + std::string(table) + "_name", taken, [&] {
    conn_.execute(
        "INSERT INTO " + std::string(table) + " (name, description, created_at) VALUES (?, ?, ?)",
        {entry.name, db::nullable(entry.description), at(now)});
    return static_cast<Id>(conn_.last_insert_id());
  });
}

std::vector<CatalogEntry> MariadbTransaction::catalog(std::string_view table) {
  return all_of<CatalogEntry>(conn_.query("SELECT id, name, description, created_at FROM " +
                                          std::string(table) + " ORDER BY id"),
                              catalog_entry_of);
}

std::optional<CatalogEntry> MariadbTransaction::find_catalog_entry(std::string_view table, Id id,
                                                                   Lock lock) {
  return one_of<CatalogEntry>(
      conn_.query_one("SELECT id, name, description, created_at FROM " + std::string(table) +
                          " WHERE id = ?" + std::string(lock_clause(lock)),
                      {id}),
      catalog_entry_of);
}

Id MariadbTransaction::insert_device_type(const NewCatalogEntry& entry, TimePoint now) {
  return insert_catalog_entry("device_types", entry, now, text::kDeviceTypeExists);
}
std::vector<DeviceType> MariadbTransaction::device_types() { return catalog("device_types"); }
std::optional<DeviceType> MariadbTransaction::find_device_type(Id id, Lock lock) {
  return find_catalog_entry("device_types", id, lock);
}

Id MariadbTransaction::insert_brand(const NewCatalogEntry& entry, TimePoint now) {
  return insert_catalog_entry("brands", entry, now, text::kBrandExists);
}
std::vector<Brand> MariadbTransaction::brands() { return catalog("brands"); }
std::optional<Brand> MariadbTransaction::find_brand(Id id, Lock lock) {
  return find_catalog_entry("brands", id, lock);
}

Id MariadbTransaction::insert_model(const NewModel& model, TimePoint now) {
  return unique("uq_models_brand_name", text::kModelExists, [&] {
    conn_.execute(
        "INSERT INTO models (brand_id, name, device_type_id, created_at) VALUES (?, ?, ?, ?)",
        {model.brand_id, model.name, model.device_type_id, at(now)});
    return static_cast<Id>(conn_.last_insert_id());
  });
}

std::vector<Model> MariadbTransaction::models() {
  return all_of<Model>(conn_.query(std::string(kSelectModel) + " ORDER BY id"), model_of);
}

std::optional<Model> MariadbTransaction::find_model(Id id, Lock lock) {
  return one_of<Model>(
      conn_.query_one(std::string(kSelectModel) + " WHERE id = ?" + std::string(lock_clause(lock)),
                      {id}),
      model_of);
}

// --- customer devices -------------------------------------------------------------------------

Id MariadbTransaction::insert_device(const Device& d) {
  return unique("uq_devices_serial_number", text::kSerialNumberTaken, [&] {
    conn_.execute(
        "INSERT INTO devices (brand_id, model_id, device_type_id, serial_number, owner_id, notes,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {d.brand_id, d.model_id, d.device_type_id, d.serial_number, d.owner_id,
         db::nullable(d.notes), at(d.created_at)});
    return static_cast<Id>(conn_.last_insert_id());
  });
}

std::optional<Device> MariadbTransaction::find_device(Id id, Lock lock) {
  return one_of<Device>(
      conn_.query_one(std::string(kSelectDevice) + " WHERE id = ?" + std::string(lock_clause(lock)),
                      {id}),
      device_of);
}

std::vector<Device> MariadbTransaction::devices(const DeviceFilter& filter, const Page& page) {
  Where where;
  where.add("owner_id = ?", filter.owner_id);
  std::string sql = std::string(kSelectDevice) + where.sql + " ORDER BY id";
  append_page(sql, where.params, page);
  return all_of<Device>(conn_.query(sql, where.params), device_of);
}

void MariadbTransaction::update_device(const Device& d) {
  unique("uq_devices_serial_number", text::kSerialNumberTaken, [&] {
    return conn_.execute(
        "UPDATE devices SET brand_id = ?, model_id = ?, device_type_id = ?, serial_number = ?,"
        " owner_id = ?, notes = ? WHERE id = ?",
        {d.brand_id, d.model_id, d.device_type_id, d.serial_number, d.owner_id,
         db::nullable(d.notes), d.id});
  });
}

bool MariadbTransaction::device_has_orders(Id id) {
  return conn_
      .query_one("SELECT 1 FROM orders WHERE device_id = ? LIMIT 1 LOCK IN SHARE MODE", {id})
      .has_value();
}

void MariadbTransaction::delete_device(Id id) {
  conn_.execute("DELETE FROM devices WHERE id = ?", {id});
}

// --- orders -----------------------------------------------------------------------------------

Id MariadbTransaction::insert_order(const Order& o) {
  conn_.execute(
      "INSERT INTO orders (device_id, customer_id, problem_id, cost, discount, note, status,"
      " estimated_completion_date, completed_at, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {o.device_id, o.customer_id, db::nullable(o.problem_id), o.cost.str(), o.discount.str(),
       db::nullable(o.note), std::string(to_string(o.status)), at(o.estimated_completion_date),
       at(o.completed_at), at(o.created_at), at(o.updated_at)});
  return static_cast<Id>(conn_.last_insert_id());
}

std::optional<Order> MariadbTransaction::find_order(Id id, Lock lock) {
  return one_of<Order>(
      conn_.query_one(std::string(kSelectOrder) + " WHERE id = ?" + std::string(lock_clause(lock)),
                      {id}),
      order_of);
}

std::vector<Order> MariadbTransaction::orders(const OrderFilter& filter, const Page& page) {
  Where where;
  std::optional<std::string> status;
  if (filter.status) status = std::string(to_string(*filter.status));
  where.add("status = ?", status);
  where.add("customer_id = ?", filter.customer_id);
  where.add("device_id = ?", filter.device_id);
  std::string sql = std::string(kSelectOrder) + where.sql + " ORDER BY id";
  append_page(sql, where.params, page);
  return all_of<Order>(conn_.query(sql, where.params), order_of);
}

void MariadbTransaction::update_order(const Order& o) {
  conn_.execute(
      "UPDATE orders SET device_id = ?, customer_id = ?, problem_id = ?, cost = ?, discount = ?,"
      " note = ?, status = ?, estimated_completion_date = ?, completed_at = ?, updated_at = ?"
      " WHERE id = ?",
      {o.device_id, o.customer_id, db::nullable(o.problem_id), o.cost.str(), o.discount.str(),
       db::nullable(o.note), std::string(to_string(o.status)), at(o.estimated_completion_date),
       at(o.completed_at), at(o.updated_at), o.id});
}

bool MariadbTransaction::order_has_payments(Id id) {
  return conn_
      .query_one("SELECT 1 FROM payments WHERE order_id = ? LIMIT 1 LOCK IN SHARE MODE", {id})
      .has_value();
}

void MariadbTransaction::delete_order(Id id) {
  // Assignments and history go with it (ON DELETE CASCADE).
  conn_.execute("DELETE FROM orders WHERE id = ?", {id});
}

void MariadbTransaction::add_status_change(const StatusChange& c) {
  std::optional<std::string> from;
  if (c.from_status) from = std::string(to_string(*c.from_status));
  conn_.execute(
      "INSERT INTO order_status_history (order_id, from_status, to_status, changed_at)"
      " VALUES (?, ?, ?, ?)",
      {c.order_id, db::nullable(from), std::string(to_string(c.to_status)), at(c.changed_at)});
}

std::vector<StatusChange> MariadbTransaction::status_changes(Id order_id) {
  std::vector<StatusChange> out;
  for (const auto& row :
       conn_.query("SELECT order_id, from_status, to_status, changed_at FROM order_status_history"
                   " WHERE order_id = ? ORDER BY id",
                   {order_id})) {
    std::optional<OrderStatus> from;
    if (!row.is_null(1)) from = order_status(row.str(1));
    out.push_back({row.i64(0), from, order_status(row.str(2)), db::parse_datetime(row.str(3))});
  }
  return out;
}

// --- assignments ------------------------------------------------------------------------------

Id MariadbTransaction::insert_assignment(const NewAssignment& a, TimePoint now) {
  return unique("uq_assignments_order_user", text::kAssignmentExists, [&] {
    conn_.execute("INSERT INTO assignments (order_id, user_id, assigned_at) VALUES (?, ?, ?)",
                  {a.order_id, a.user_id, at(now)});
    return static_cast<Id>(conn_.last_insert_id());
  });
}

std::optional<Assignment> MariadbTransaction::find_assignment(Id id) {
  return one_of<Assignment>(
      conn_.query_one(std::string(kSelectAssignment) + " WHERE a.id = ?", {id}), assignment_of);
}

std::vector<Assignment> MariadbTransaction::assignments(const AssignmentFilter& filter,
                                                        const std::optional<Page>& page) {
  Where where;
  where.add("a.order_id = ?", filter.order_id);
  where.add("a.user_id = ?", filter.user_id);
  where.add("o.customer_id = ?", filter.customer_id);
  std::string sql = std::string(kSelectAssignment) + where.sql + " ORDER BY a.id";
  if (page) append_page(sql, where.params, *page);
  return all_of<Assignment>(conn_.query(sql, where.params), assignment_of);
}

bool MariadbTransaction::delete_assignment(Id id) {
  return conn_.execute("DELETE FROM assignments WHERE id = ?", {id}) > 0;
}

// --- payments ---------------------------------------------------------------------------------

Id MariadbTransaction::insert_payment(const Payment& p) {
  conn_.execute(
      "INSERT INTO payments (order_id, due_amount, amount, status, payment_method,"
      " transaction_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {p.order_id, p.due_amount.str(), p.amount.str(), std::string(to_string(p.status)),
       db::nullable(p.payment_method), db::nullable(p.transaction_id), at(p.created_at)});
  return static_cast<Id>(conn_.last_insert_id());
}

std::optional<Payment> MariadbTransaction::find_payment(Id id, Lock lock) {
  return one_of<Payment>(
      conn_.query_one(
          std::string(kSelectPayment) + " WHERE p.id = ?" + std::string(lock_clause(lock)), {id}),
      payment_of);
}

std::vector<Payment> MariadbTransaction::payments(const PaymentFilter& filter, const Page& page) {
  Where where;
  std::optional<std::string> status;
  if (filter.status) status = std::string(to_string(*filter.status));
  where.add("p.status = ?", status);
  where.add("p.order_id = ?", filter.order_id);
  where.add("o.customer_id = ?", filter.customer_id);
  std::string sql = std::string(kSelectPayment) + where.sql + " ORDER BY p.id";
  append_page(sql, where.params, page);
  return all_of<Payment>(conn_.query(sql, where.params), payment_of);
}

void MariadbTransaction::update_payment(const Payment& p) {
  conn_.execute(
      "UPDATE payments SET due_amount = ?, amount = ?, status = ?, payment_method = ?,"
      " transaction_id = ? WHERE id = ?",
      {p.due_amount.str(), p.amount.str(), std::string(to_string(p.status)),
       db::nullable(p.payment_method), db::nullable(p.transaction_id), p.id});
}

bool MariadbTransaction::delete_payment(Id id) {
  return conn_.execute("DELETE FROM payments WHERE id = ?", {id}) > 0;
}

// --- repository -------------------------------------------------------------------------------

std::unique_ptr<Transaction> MariadbRepairShopRepository::transaction_on(db::Connection& conn) {
  return std::make_unique<MariadbTransaction>(conn);
}

void MariadbRepairShopRepository::transact(const std::function<void(Transaction&)>& work) {
  pool_.transact([&](db::Connection& conn) {
    MariadbTransaction tx(conn);
    work(tx);
  });
}

void MariadbRepairShopRepository::read(const std::function<void(Transaction&)>& work) {
  auto lease = pool_.acquire();
  MariadbTransaction tx(*lease);
  work(tx);
}

}  // namespace fleet::repair_shop
