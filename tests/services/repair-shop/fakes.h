#pragma once
// In-memory stand-ins for the domain's interfaces: the repository (a transaction works on a copy
// of the state that replaces it on commit, so a refused change leaves nothing behind) and the
// user service's accounts.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <stdexcept>

#include "domain/accounts.h"
#include "domain/errors.h"
#include "domain/repository.h"

namespace fleet::repair_shop::testing {

struct State {
  std::map<Id, DeviceType> device_types;
  std::map<Id, Brand> brands;
  std::map<Id, Model> models;
  std::map<Id, Device> devices;
  std::map<Id, Order> orders;
  std::vector<StatusChange> history;
  std::map<Id, Assignment> assignments;  // customer_id left 0: read through the order
  std::map<Id, Payment> payments;        // likewise
  Id next_id = 1;
};

class FakeTransaction final : public Transaction {
 public:
  explicit FakeTransaction(State& s) : s_(s) {}

  Id insert_device_type(const NewCatalogEntry& e, TimePoint now) override {
    return insert_entry(s_.device_types, e, now, text::kDeviceTypeExists);
  }
  std::vector<DeviceType> device_types() override { return values(s_.device_types); }
  std::optional<DeviceType> find_device_type(Id id, Lock) override {
    return find(s_.device_types, id);
  }
  Id insert_brand(const NewCatalogEntry& e, TimePoint now) override {
    return insert_entry(s_.brands, e, now, text::kBrandExists);
  }
  std::vector<Brand> brands() override { return values(s_.brands); }
  std::optional<Brand> find_brand(Id id, Lock) override { return find(s_.brands, id); }
  Id insert_model(const NewModel& m, TimePoint now) override {
    for (const auto& [id, other] : s_.models) {
      if (other.brand_id == m.brand_id && lower(other.name) == lower(m.name)) {
        fail(ErrorCode::kAlreadyExists, text::kModelExists);
      }
    }
    const Id id = s_.next_id++;
    s_.models[id] = {id, m.brand_id, m.name, m.device_type_id, now};
    return id;
  }
  std::vector<Model> models() override { return values(s_.models); }
  std::optional<Model> find_model(Id id, Lock) override { return find(s_.models, id); }

  Id insert_device(const Device& d) override {
    check_serial(d.serial_number, 0);
    Device stored = d;
    stored.id = s_.next_id++;
    s_.devices[stored.id] = stored;
    return stored.id;
  }
  std::optional<Device> find_device(Id id, Lock) override { return find(s_.devices, id); }
  std::vector<Device> devices(const DeviceFilter& f, const Page& page) override {
    return paged(values(s_.devices,
                        [&](const Device& d) { return !f.owner_id || d.owner_id == *f.owner_id; }),
                 page);
  }
  void update_device(const Device& d) override {
    check_serial(d.serial_number, d.id);
    s_.devices.at(d.id) = d;
  }
  bool device_has_orders(Id id) override {
    return std::any_of(s_.orders.begin(), s_.orders.end(),
                       [&](const auto& o) { return o.second.device_id == id; });
  }
  void delete_device(Id id) override {
    if (device_has_orders(id)) throw std::logic_error("foreign key: device has orders");
    s_.devices.erase(id);
  }

  Id insert_order(const Order& o) override {
    if (!s_.devices.count(o.device_id)) throw std::logic_error("foreign key: no such device");
    Order stored = o;
    stored.id = s_.next_id++;
    s_.orders[stored.id] = stored;
    return stored.id;
  }
  std::optional<Order> find_order(Id id, Lock) override { return find(s_.orders, id); }
  std::vector<Order> orders(const OrderFilter& f, const Page& page) override {
    return paged(values(s_.orders,
                        [&](const Order& o) {
                          return (!f.status || o.status == *f.status) &&
                                 (!f.customer_id || o.customer_id == *f.customer_id) &&
                                 (!f.device_id || o.device_id == *f.device_id);
                        }),
                 page);
  }
  void update_order(const Order& o) override { s_.orders.at(o.id) = o; }
  bool order_has_payments(Id id) override {
    return std::any_of(s_.payments.begin(), s_.payments.end(),
                       [&](const auto& p) { return p.second.order_id == id; });
  }
  void delete_order(Id id) override {
    if (order_has_payments(id)) throw std::logic_error("foreign key: order has payments");
    s_.orders.erase(id);
    std::erase_if(s_.assignments, [&](const auto& a) { return a.second.order_id == id; });
    std::erase_if(s_.history, [&](const StatusChange& c) { return c.order_id == id; });
  }
  void add_status_change(const StatusChange& c) override { s_.history.push_back(c); }
  std::vector<StatusChange> status_changes(Id order_id) override {
    std::vector<StatusChange> out;
    for (const auto& c : s_.history) {
      if (c.order_id == order_id) out.push_back(c);
    }
    return out;
  }

  Id insert_assignment(const NewAssignment& a, TimePoint now) override {
    for (const auto& [id, other] : s_.assignments) {
      if (other.order_id == a.order_id && other.user_id == a.user_id) {
        fail(ErrorCode::kAlreadyExists, text::kAssignmentExists);
      }
    }
    const Id id = s_.next_id++;
    s_.assignments[id] = {id, a.order_id, a.user_id, now, 0};
    return id;
  }
  std::optional<Assignment> find_assignment(Id id) override {
    auto a = find(s_.assignments, id);
    if (a) a->customer_id = s_.orders.at(a->order_id).customer_id;
    return a;
  }
  std::vector<Assignment> assignments(const AssignmentFilter& f,
                                      const std::optional<Page>& page) override {
    std::vector<Assignment> all;
    for (auto [id, a] : s_.assignments) {
      a.customer_id = s_.orders.at(a.order_id).customer_id;
      if ((!f.order_id || a.order_id == *f.order_id) && (!f.user_id || a.user_id == *f.user_id) &&
          (!f.customer_id || a.customer_id == *f.customer_id)) {
        all.push_back(a);
      }
    }
    return page ? paged(all, *page) : all;
  }
  bool delete_assignment(Id id) override { return s_.assignments.erase(id) > 0; }

  Id insert_payment(const Payment& p) override {
    Payment stored = p;
    stored.id = s_.next_id++;
    s_.payments[stored.id] = stored;
    return stored.id;
  }
  std::optional<Payment> find_payment(Id id, Lock) override {
    auto p = find(s_.payments, id);
    if (p) p->customer_id = s_.orders.at(p->order_id).customer_id;
    return p;
  }
  std::vector<Payment> payments(const PaymentFilter& f, const Page& page) override {
    std::vector<Payment> all;
    for (auto [id, p] : s_.payments) {
      p.customer_id = s_.orders.at(p.order_id).customer_id;
      if ((!f.status || p.status == *f.status) && (!f.order_id || p.order_id == *f.order_id) &&
          (!f.customer_id || p.customer_id == *f.customer_id)) {
        all.push_back(p);
      }
    }
    return paged(all, page);
  }
  void update_payment(const Payment& p) override { s_.payments.at(p.id) = p; }
  bool delete_payment(Id id) override { return s_.payments.erase(id) > 0; }

 private:
  static std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  template <class T>
  static std::optional<T> find(const std::map<Id, T>& rows, Id id) {
    const auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  template <class T, class Pred>
  static std::vector<T> values(const std::map<Id, T>& rows, Pred&& keep) {
    std::vector<T> out;
    for (const auto& [id, row] : rows) {
      if (keep(row)) out.push_back(row);
    }
    return out;
  }
  template <class T>
  static std::vector<T> values(const std::map<Id, T>& rows) {
    return values(rows, [](const T&) { return true; });
  }
  template <class T>
  static std::vector<T> paged(const std::vector<T>& all, const Page& page) {
    std::vector<T> out;
    for (std::int64_t i = page.offset;
         i < static_cast<std::int64_t>(all.size()) && i < page.offset + page.limit; ++i) {
      out.push_back(all[static_cast<std::size_t>(i)]);
    }
    return out;
  }
  Id insert_entry(std::map<Id, CatalogEntry>& rows, const NewCatalogEntry& e, TimePoint now,
                  std::string_view taken) {
    for (const auto& [id, other] : rows) {
      if (lower(other.name) == lower(e.name)) fail(ErrorCode::kAlreadyExists, taken);
    }
    const Id id = s_.next_id++;
    rows[id] = {id, e.name, e.description, now};
    return id;
  }
  void check_serial(const std::string& serial, Id self) {
    for (const auto& [id, other] : s_.devices) {
      if (id != self && lower(other.serial_number) == lower(serial)) {
        fail(ErrorCode::kAlreadyExists, text::kSerialNumberTaken);
      }
    }
  }

  State& s_;
};

class FakeRepository final : public Repository {
 public:
  State state;
  int transactions = 0;

  void transact(const std::function<void(Transaction&)>& work) override {
    ++transactions;
    State copy = state;
    FakeTransaction tx(copy);
    work(tx);
    state = std::move(copy);
  }
  void read(const std::function<void(Transaction&)>& work) override {
    FakeTransaction tx(state);
    work(tx);
  }
};

class FakeAccounts final : public Accounts {
 public:
  std::set<std::int64_t> ids;
  std::vector<std::int64_t> asked;
  bool unavailable = false;

  bool exists(std::int64_t id) override {
    asked.push_back(id);
    if (unavailable) throw DomainError(ErrorCode::kUnavailable, "Service unavailable");
    return ids.count(id) > 0;
  }
};

}  // namespace fleet::repair_shop::testing
