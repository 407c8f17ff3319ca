// The gRPC service in process on a real MariaDB, with a fake user service in process: status
// codes and texts, money and times on the wire, `cleared`, history, and exactly-once creates
// (a replay makes no second row; a different request with the same key is refused).
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "api/repair_shop_service.h"
#include "fake_user_service.h"
#include "fleet/changes/testing/recorder.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/testing/in_process_server.h"
#include "repository/mariadb_repair_shop_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::repair_shop;
using namespace std::chrono_literals;
using grpc::StatusCode;
using Stub = v1::RepairShopService::Stub;

namespace {

constexpr std::int64_t kAnn = 7;
constexpr std::int64_t kBob = 8;
constexpr std::int64_t kTech = 20;
constexpr std::int64_t kStart = 1'736'503'200;  // 2025-01-10T10:00:00Z

struct Idem {
  std::string key;
  std::string fingerprint = "fp";
  std::string caller = "1";
};

template <class Response>
struct Reply {
  grpc::Status status;
  Response response;
  std::string trailer;
  std::string version;  // x-change-version

  bool ok() const { return status.ok(); }
  // "CODE text" for a refusal, "OK" for a success: one CHECK shows both.
  std::string outcome() const {
    if (status.ok()) return "OK";
    static const char* names[] = {"OK",
                                  "CANCELLED",
                                  "UNKNOWN",
                                  "INVALID_ARGUMENT",
                                  "DEADLINE_EXCEEDED",
                                  "NOT_FOUND",
                                  "ALREADY_EXISTS",
                                  "PERMISSION_DENIED",
                                  "RESOURCE_EXHAUSTED",
                                  "FAILED_PRECONDITION",
                                  "ABORTED",
                                  "OUT_OF_RANGE",
                                  "UNIMPLEMENTED",
                                  "INTERNAL",
                                  "UNAVAILABLE",
                                  "DATA_LOSS",
                                  "UNAUTHENTICATED"};
    return std::string(names[status.error_code()]) + " " + status.error_message();
  }
};

struct Harness {
  fleet::db::testing::TestDatabase db;
  fleet::ManualClock clock{std::chrono::system_clock::time_point{std::chrono::seconds{kStart}}};
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<MariadbRepairShopRepository> repository;
  std::unique_ptr<RepairShop> shop;
  std::unique_ptr<fleet::idempotency::Store> idempotency;
  testing::ServedFakeUserService users{{kAnn, kBob, kTech}};
  fleet::rpc::WorkerPool workers{8};
  fleet::changes::Publisher changes;
  std::unique_ptr<RepairShopService> service;
  std::optional<fleet::rpc::testing::InProcessServer<v1::RepairShopService>> server;
  std::int64_t laptop = 0, dell = 0, xps = 0;

  Harness() {
    auto config = db.config();
    config.pool_size = 16;
    fleet::db::migrate(config, kMigrations);
    pool = std::make_unique<fleet::db::Pool>(config);
    repository = std::make_unique<MariadbRepairShopRepository>(*pool);
    shop = std::make_unique<RepairShop>(*repository, clock);
    idempotency = std::make_unique<fleet::idempotency::Store>(*pool, clock);
    service = std::make_unique<RepairShopService>(*shop, *users.stub, *idempotency,
                                                  MariadbRepairShopRepository::transaction_on,
                                                  workers, changes);
    server.emplace(*service, "repair-shop-test");

    v1::CreateDeviceTypeRequest type;
    type.set_name("Laptop");
    type.set_description("Laptop computers");
    laptop = ok(call(&Stub::CreateDeviceType, type)).id();
    v1::CreateBrandRequest brand;
    brand.set_name("Dell");
    brand.set_description("Dell Inc.");
    dell = ok(call(&Stub::CreateBrand, brand)).id();
    v1::CreateModelRequest model;
    model.set_brand_id(dell);
    model.set_name("XPS 13");
    model.set_device_type_id(laptop);
    xps = ok(call(&Stub::CreateModel, model)).id();
  }
  ~Harness() { server.reset(); }

  template <class Request, class Response>
  Reply<Response> call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                       const Request& request, const std::optional<Idem>& idem = {},
                       const std::string& request_id = {}) {
    auto context = fleet::rpc::testing::context(10s, request_id);
    if (idem) {
      context->AddMetadata("x-idempotency-key", idem->key);
      context->AddMetadata("x-idempotency-fingerprint", idem->fingerprint);
      context->AddMetadata("x-caller-id", idem->caller);
    }
    Reply<Response> reply;
    reply.status = (server->stub().*method)(context.get(), request, &reply.response);
    const auto& trailers = context->GetServerTrailingMetadata();
    if (const auto it = trailers.find("x-idempotency"); it != trailers.end()) {
      reply.trailer.assign(it->second.data(), it->second.size());
    }
    if (const auto it = trailers.find("x-change-version"); it != trailers.end()) {
      reply.version.assign(it->second.data(), it->second.size());
    }
    return reply;
  }
  template <class Response>
  static Response ok(const Reply<Response>& reply) {
    INFO(reply.outcome());
    REQUIRE(reply.ok());
    return reply.response;
  }

  v1::CreateDeviceRequest device_request(const std::string& serial, std::int64_t owner = kAnn) {
    v1::CreateDeviceRequest r;
    r.set_brand_id(dell);
    r.set_model_id(xps);
    r.set_device_type_id(laptop);
    r.set_serial_number(serial);
    r.set_owner_id(owner);
    r.set_notes("Screen cracked");
    return r;
  }
  v1::Device device(const std::string& serial, std::int64_t owner = kAnn) {
    return ok(call(&Stub::CreateDevice, device_request(serial, owner)));
  }
  v1::CreateOrderRequest order_request(std::int64_t device_id, const std::string& cost,
                                       std::int64_t customer = kAnn) {
    v1::CreateOrderRequest r;
    r.set_device_id(device_id);
    r.set_customer_id(customer);
    r.set_cost(cost);
    r.set_note("Screen replacement needed");
    return r;
  }
  v1::Order order(std::int64_t device_id, const std::string& cost, std::int64_t customer = kAnn) {
    return ok(call(&Stub::CreateOrder, order_request(device_id, cost, customer)));
  }
  v1::Assignment assign(std::int64_t order_id, std::int64_t user_id) {
    v1::CreateAssignmentRequest r;
    r.set_order_id(order_id);
    r.set_user_id(user_id);
    return ok(call(&Stub::CreateAssignment, r));
  }
  v1::CreatePaymentRequest payment_request(std::int64_t order_id) {
    v1::CreatePaymentRequest r;
    r.set_order_id(order_id);
    r.set_due_amount("275.00");
    r.set_amount("150.00");
    r.set_status(v1::PAYMENT_STATUS_PARTIAL);
    r.set_payment_method("Cash");
    r.set_transaction_id("TXN001");
    return r;
  }
  std::int64_t count(const std::string& table) {
    return pool->acquire()->query_one("SELECT COUNT(*) FROM " + table)->i64(0);
  }
};

}  // namespace

TEST_CASE("catalog over gRPC: created, listed, duplicates and unknown references refused",
          "[grpc][integration]") {
  Harness h;
  const auto types = Harness::ok(h.call(&Stub::ListDeviceTypes, v1::ListDeviceTypesRequest{}));
  REQUIRE(types.device_types_size() == 1);
  CHECK(types.device_types(0).name() == "Laptop");
  CHECK(types.device_types(0).description() == "Laptop computers");
  CHECK(types.device_types(0).created_at().seconds() == kStart);

  v1::CreateBrandRequest brand;
  brand.set_name("HP");
  const auto hp = Harness::ok(h.call(&Stub::CreateBrand, brand));
  CHECK_FALSE(hp.has_description());
  CHECK(h.call(&Stub::CreateBrand, brand).outcome() == "ALREADY_EXISTS Brand already exists");
  v1::CreateDeviceTypeRequest type;
  type.set_name("laptop");
  CHECK(h.call(&Stub::CreateDeviceType, type).outcome() ==
        "ALREADY_EXISTS Device type already exists");
  brand.set_name("");
  CHECK(h.call(&Stub::CreateBrand, brand).outcome() == "INVALID_ARGUMENT name must not be empty");

  v1::CreateModelRequest model;
  model.set_brand_id(h.dell);
  model.set_name("XPS 13");
  model.set_device_type_id(h.laptop);
  CHECK(h.call(&Stub::CreateModel, model).outcome() == "ALREADY_EXISTS Model already exists");
  model.set_brand_id(999);
  CHECK(h.call(&Stub::CreateModel, model).outcome() == "NOT_FOUND Brand not found");
  model.set_brand_id(hp.id());
  model.set_device_type_id(999);
  CHECK(h.call(&Stub::CreateModel, model).outcome() == "NOT_FOUND Device type not found");

  const auto brands = Harness::ok(h.call(&Stub::ListBrands, v1::ListBrandsRequest{}));
  REQUIRE(brands.brands_size() == 2);
  CHECK(brands.brands(0).description() == "Dell Inc.");
  const auto models = Harness::ok(h.call(&Stub::ListModels, v1::ListModelsRequest{}));
  REQUIRE(models.models_size() == 1);
  CHECK(models.models(0).brand_id() == h.dell);
  CHECK(models.models(0).device_type_id() == h.laptop);
  CHECK(models.models(0).name() == "XPS 13");
}

TEST_CASE(
    "devices over gRPC: owners checked with the user service, cleared notes, referenced "
    "delete",
    "[grpc][integration]") {
  Harness h;
  const auto created =
      Harness::ok(h.call(&Stub::CreateDevice, h.device_request("SN123456789"), {}, "req-dev-1"));
  CHECK(created.owner_id() == kAnn);
  CHECK(created.notes() == "Screen cracked");
  CHECK(created.created_at().seconds() == kStart);
  // The owner was checked with the request's id.
  CHECK(h.users.service.request_ids().back() == "req-dev-1");

  CHECK(h.call(&Stub::CreateDevice, h.device_request("SN123456789")).outcome() ==
        "ALREADY_EXISTS Serial number already registered");
  CHECK(h.call(&Stub::CreateDevice, h.device_request("SN2", 999)).outcome() ==
        "NOT_FOUND Owner not found");
  auto bad = h.device_request("SN2");
  bad.set_model_id(999);
  CHECK(h.call(&Stub::CreateDevice, bad).outcome() == "NOT_FOUND Model not found");
  bad = h.device_request("SN2");
  bad.set_brand_id(999);
  CHECK(h.call(&Stub::CreateDevice, bad).outcome() == "NOT_FOUND Brand not found");
  bad = h.device_request("SN2");
  bad.set_device_type_id(999);
  CHECK(h.call(&Stub::CreateDevice, bad).outcome() == "NOT_FOUND Device type not found");
  CHECK(h.count("devices") == 1);

  v1::GetDeviceRequest get;
  get.set_id(created.id());
  CHECK(Harness::ok(h.call(&Stub::GetDevice, get)).serial_number() == "SN123456789");
  get.set_id(999);
  CHECK(h.call(&Stub::GetDevice, get).outcome() == "NOT_FOUND Device not found");

  v1::UpdateDeviceRequest update;
  update.set_id(created.id());
  update.set_notes("Screen replaced, working fine now");
  CHECK(Harness::ok(h.call(&Stub::UpdateDevice, update)).notes() ==
        "Screen replaced, working fine now");
  update.Clear();
  update.set_id(created.id());
  update.add_cleared("notes");
  const auto cleared = Harness::ok(h.call(&Stub::UpdateDevice, update));
  CHECK_FALSE(cleared.has_notes());
  CHECK(cleared.serial_number() == "SN123456789");
  update.add_cleared("serial_number");
  CHECK(h.call(&Stub::UpdateDevice, update).outcome() ==
        "INVALID_ARGUMENT cleared: serial_number cannot be set to null");
  update.Clear();
  update.set_id(created.id());
  update.set_owner_id(999);
  CHECK(h.call(&Stub::UpdateDevice, update).outcome() == "NOT_FOUND Owner not found");

  h.device("SN-B", kBob);
  v1::ListDevicesRequest list;
  list.set_owner_id(kBob);
  const auto bobs = Harness::ok(h.call(&Stub::ListDevices, list));
  REQUIRE(bobs.devices_size() == 1);
  CHECK(bobs.devices(0).serial_number() == "SN-B");
  list.Clear();
  list.mutable_page()->set_limit(1);
  list.mutable_page()->set_offset(1);
  CHECK(Harness::ok(h.call(&Stub::ListDevices, list)).devices(0).serial_number() == "SN-B");
  list.mutable_page()->set_limit(101);
  CHECK(h.call(&Stub::ListDevices, list).outcome() ==
        "INVALID_ARGUMENT limit must be between 1 and 100");

  h.order(created.id(), "10.00");
  v1::DeleteDeviceRequest del;
  del.set_id(created.id());
  CHECK(h.call(&Stub::DeleteDevice, del).outcome() == "FAILED_PRECONDITION Device has orders");
  del.set_id(999);
  CHECK(h.call(&Stub::DeleteDevice, del).outcome() == "NOT_FOUND Device not found");
}

TEST_CASE("orders over gRPC: total_cost, statuses, completed_at, history", "[grpc][integration]") {
  Harness h;
  const auto dev = h.device("SN1");
  const auto created = h.order(dev.id(), "250.00");
  CHECK(created.cost() == "250.00");
  CHECK(created.discount() == "0.00");
  CHECK(created.total_cost() == "250.00");
  CHECK(created.status() == v1::ORDER_STATUS_PENDING);
  CHECK_FALSE(created.has_problem_id());
  CHECK_FALSE(created.has_estimated_completion_date());
  CHECK_FALSE(created.has_completed_at());
  CHECK(created.created_at().seconds() == kStart);
  CHECK(created.updated_at().seconds() == kStart);
  CHECK(created.note() == "Screen replacement needed");

  h.clock.advance(30min);
  v1::UpdateOrderRequest update;
  update.set_id(created.id());
  update.set_cost("300.00");
  update.set_discount("25.00");
  update.set_status(v1::ORDER_STATUS_REPAIRING);
  update.set_note("Diagnosis complete: Screen + battery replacement needed");
  const auto repairing = Harness::ok(h.call(&Stub::UpdateOrder, update));
  CHECK(repairing.total_cost() == "275.00");
  CHECK(repairing.cost() == "300.00");
  CHECK(repairing.discount() == "25.00");
  CHECK(repairing.status() == v1::ORDER_STATUS_REPAIRING);
  CHECK_FALSE(repairing.has_completed_at());
  CHECK(repairing.updated_at().seconds() == kStart + 1800);
  CHECK(repairing.created_at().seconds() == kStart);

  h.clock.advance(1h);
  update.Clear();
  update.set_id(created.id());
  update.set_status(v1::ORDER_STATUS_COMPLETED);
  const auto completed = Harness::ok(h.call(&Stub::UpdateOrder, update));
  CHECK(completed.completed_at().seconds() == kStart + 5400);
  v1::GetOrderRequest get;
  get.set_id(created.id());
  CHECK(Harness::ok(h.call(&Stub::GetOrder, get)).completed_at().seconds() == kStart + 5400);
  update.set_status(v1::ORDER_STATUS_REPAIRING);
  CHECK_FALSE(Harness::ok(h.call(&Stub::UpdateOrder, update)).has_completed_at());

  v1::ListOrderHistoryRequest history_request;
  history_request.set_order_id(created.id());
  const auto history = Harness::ok(h.call(&Stub::ListOrderHistory, history_request));
  REQUIRE(history.changes_size() == 4);
  CHECK(history.changes(0).from_status() == v1::ORDER_STATUS_UNSPECIFIED);
  CHECK(history.changes(0).to_status() == v1::ORDER_STATUS_PENDING);
  CHECK(history.changes(0).changed_at().seconds() == kStart);
  CHECK(history.changes(1).to_status() == v1::ORDER_STATUS_REPAIRING);
  CHECK(history.changes(2).to_status() == v1::ORDER_STATUS_COMPLETED);
  CHECK(history.changes(3).from_status() == v1::ORDER_STATUS_COMPLETED);
  CHECK(history.changes(3).to_status() == v1::ORDER_STATUS_REPAIRING);
  CHECK(history.changes(3).order_id() == created.id());
  history_request.set_order_id(999);
  CHECK(h.call(&Stub::ListOrderHistory, history_request).outcome() == "NOT_FOUND Order not found");

  // Nullable fields: set, kept when absent, cleared by name.
  update.Clear();
  update.set_id(created.id());
  update.set_problem_id(3);
  update.mutable_estimated_completion_date()->set_seconds(kStart + 86400);
  auto with = Harness::ok(h.call(&Stub::UpdateOrder, update));
  CHECK(with.problem_id() == 3);
  CHECK(with.estimated_completion_date().seconds() == kStart + 86400);
  update.Clear();
  update.set_id(created.id());
  update.add_cleared("problem_id");
  update.add_cleared("note");
  update.add_cleared("estimated_completion_date");
  with = Harness::ok(h.call(&Stub::UpdateOrder, update));
  CHECK_FALSE(with.has_problem_id());
  CHECK_FALSE(with.has_note());
  CHECK_FALSE(with.has_estimated_completion_date());
  CHECK(with.total_cost() == "275.00");
  update.add_cleared("cost");
  CHECK(h.call(&Stub::UpdateOrder, update).outcome() ==
        "INVALID_ARGUMENT cleared: cost cannot be set to null");
}

TEST_CASE("order refusals over gRPC", "[grpc][integration]") {
  Harness h;
  const auto dev = h.device("SN1");
  auto r = h.order_request(dev.id(), "10.00");
  r.set_discount("10.01");
  CHECK(h.call(&Stub::CreateOrder, r).outcome() ==
        "FAILED_PRECONDITION Discount cannot exceed cost");
  r.set_discount("-1");
  CHECK(h.call(&Stub::CreateOrder, r).outcome() ==
        "INVALID_ARGUMENT discount must be a non-negative decimal with at most two places and "
        "at most 9999999999.99");
  r = h.order_request(dev.id(), "-10.00");
  CHECK(h.call(&Stub::CreateOrder, r).status.error_code() == StatusCode::INVALID_ARGUMENT);
  r = h.order_request(dev.id(), "10.00");
  r.set_status(static_cast<v1::OrderStatus>(42));
  CHECK(h.call(&Stub::CreateOrder, r).outcome() ==
        "INVALID_ARGUMENT status must be Pending, Repairing, Completed or Cancelled");
  CHECK(h.call(&Stub::CreateOrder, h.order_request(999, "1.00")).outcome() ==
        "NOT_FOUND Device not found");
  CHECK(h.call(&Stub::CreateOrder, h.order_request(dev.id(), "1.00", 999)).outcome() ==
        "NOT_FOUND Customer not found");
  CHECK(h.count("orders") == 0);
  CHECK(h.count("order_status_history") == 0);

  const auto o = h.order(dev.id(), "10.00");
  v1::CreatePaymentRequest pay = h.payment_request(o.id());
  Harness::ok(h.call(&Stub::CreatePayment, pay));
  v1::DeleteOrderRequest del;
  del.set_id(o.id());
  CHECK(h.call(&Stub::DeleteOrder, del).outcome() == "FAILED_PRECONDITION Order has payments");
  v1::GetOrderRequest get;
  get.set_id(999);
  CHECK(h.call(&Stub::GetOrder, get).outcome() == "NOT_FOUND Order not found");
  v1::UpdateOrderRequest update;
  update.set_id(999);
  CHECK(h.call(&Stub::UpdateOrder, update).outcome() == "NOT_FOUND Order not found");
}

TEST_CASE("orders list with filters and pages over gRPC", "[grpc][integration]") {
  Harness h;
  const auto d1 = h.device("SN1");
  const auto d2 = h.device("SN2", kBob);
  for (int i = 0; i < 12; ++i) h.order(d1.id(), std::to_string(i) + ".00");
  const auto bobs = h.order(d2.id(), "5.00", kBob);
  v1::ListOrdersRequest list;
  CHECK(Harness::ok(h.call(&Stub::ListOrders, list)).orders_size() == 10);  // the default page
  list.mutable_page()->set_limit(100);
  CHECK(Harness::ok(h.call(&Stub::ListOrders, list)).orders_size() == 13);
  list.mutable_page()->set_offset(12);
  CHECK(Harness::ok(h.call(&Stub::ListOrders, list)).orders(0).id() == bobs.id());
  list.Clear();
  list.set_customer_id(kBob);
  CHECK(Harness::ok(h.call(&Stub::ListOrders, list)).orders_size() == 1);
  list.Clear();
  list.set_device_id(d1.id());
  list.mutable_page()->set_limit(3);
  const auto page = Harness::ok(h.call(&Stub::ListOrders, list));
  REQUIRE(page.orders_size() == 3);
  CHECK(page.orders(2).cost() == "2.00");
  list.Clear();
  list.set_status(v1::ORDER_STATUS_COMPLETED);
  CHECK(Harness::ok(h.call(&Stub::ListOrders, list)).orders_size() == 0);
  list.mutable_page()->set_offset(-1);
  list.mutable_page()->set_limit(10);
  CHECK(h.call(&Stub::ListOrders, list).outcome() ==
        "INVALID_ARGUMENT offset must not be negative");
}

TEST_CASE("assignments over gRPC: customer_id, all rows without a page, refusals",
          "[grpc][integration]") {
  Harness h;
  const auto o = h.order(h.device("SN1").id(), "10.00");
  const auto a = h.assign(o.id(), kTech);
  CHECK(a.order_id() == o.id());
  CHECK(a.user_id() == kTech);
  CHECK(a.customer_id() == kAnn);
  CHECK(a.assigned_at().seconds() == kStart);
  v1::CreateAssignmentRequest again;
  again.set_order_id(o.id());
  again.set_user_id(kTech);
  CHECK(h.call(&Stub::CreateAssignment, again).outcome() ==
        "ALREADY_EXISTS Assignment already exists");
  again.set_user_id(999);
  CHECK(h.call(&Stub::CreateAssignment, again).outcome() == "NOT_FOUND User not found");
  again.set_order_id(999);
  again.set_user_id(kTech);
  CHECK(h.call(&Stub::CreateAssignment, again).outcome() == "NOT_FOUND Order not found");

  for (std::int64_t user = 100; user < 112; ++user) {
    h.users.service.add(user);
    h.assign(o.id(), user);
  }
  v1::ListAssignmentsRequest list;
  list.set_order_id(o.id());
  CHECK(Harness::ok(h.call(&Stub::ListAssignments, list)).assignments_size() == 13);
  list.mutable_page()->set_limit(5);
  CHECK(Harness::ok(h.call(&Stub::ListAssignments, list)).assignments_size() == 5);
  list.Clear();
  list.set_user_id(kTech);
  list.set_customer_id(kAnn);
  const auto mine = Harness::ok(h.call(&Stub::ListAssignments, list));
  REQUIRE(mine.assignments_size() == 1);
  CHECK(mine.assignments(0).id() == a.id());
  list.set_customer_id(kBob);
  CHECK(Harness::ok(h.call(&Stub::ListAssignments, list)).assignments_size() == 0);

  v1::GetAssignmentRequest get;
  get.set_id(a.id());
  CHECK(Harness::ok(h.call(&Stub::GetAssignment, get)).customer_id() == kAnn);
  v1::DeleteAssignmentRequest del;
  del.set_id(a.id());
  Harness::ok(h.call(&Stub::DeleteAssignment, del));
  CHECK(h.call(&Stub::DeleteAssignment, del).outcome() == "NOT_FOUND Assignment not found");
  CHECK(h.call(&Stub::GetAssignment, get).outcome() == "NOT_FOUND Assignment not found");
}

TEST_CASE("payments over gRPC: money text, customer_id, filters, update and delete",
          "[grpc][integration]") {
  Harness h;
  const auto ann = h.order(h.device("SN1").id(), "300.00");
  const auto bob = h.order(h.device("SN2", kBob).id(), "20.00", kBob);
  const auto p = Harness::ok(h.call(&Stub::CreatePayment, h.payment_request(ann.id())));
  CHECK(p.due_amount() == "275.00");
  CHECK(p.amount() == "150.00");
  CHECK(p.status() == v1::PAYMENT_STATUS_PARTIAL);
  CHECK(p.payment_method() == "Cash");
  CHECK(p.transaction_id() == "TXN001");
  CHECK(p.customer_id() == kAnn);
  CHECK(p.created_at().seconds() == kStart);
  v1::CreatePaymentRequest plain;
  plain.set_order_id(bob.id());
  plain.set_due_amount("20");
  plain.set_amount("0");
  const auto unpaid = Harness::ok(h.call(&Stub::CreatePayment, plain));
  CHECK(unpaid.status() == v1::PAYMENT_STATUS_UNPAID);
  CHECK(unpaid.due_amount() == "20.00");
  CHECK(unpaid.amount() == "0.00");
  CHECK_FALSE(unpaid.has_payment_method());
  CHECK(unpaid.customer_id() == kBob);
  plain.set_order_id(999);
  CHECK(h.call(&Stub::CreatePayment, plain).outcome() == "NOT_FOUND Order not found");
  plain.set_order_id(bob.id());
  plain.set_amount("1.001");
  CHECK(h.call(&Stub::CreatePayment, plain).status.error_code() == StatusCode::INVALID_ARGUMENT);

  v1::ListPaymentsRequest list;
  list.set_customer_id(kBob);
  CHECK(Harness::ok(h.call(&Stub::ListPayments, list)).payments(0).id() == unpaid.id());
  list.Clear();
  list.set_status(v1::PAYMENT_STATUS_PARTIAL);
  list.set_order_id(ann.id());
  CHECK(Harness::ok(h.call(&Stub::ListPayments, list)).payments(0).id() == p.id());
  list.set_status(v1::PAYMENT_STATUS_PAID);
  CHECK(Harness::ok(h.call(&Stub::ListPayments, list)).payments_size() == 0);

  v1::UpdatePaymentRequest update;
  update.set_id(p.id());
  update.set_amount("275.00");
  update.set_status(v1::PAYMENT_STATUS_PAID);
  update.set_payment_method("Card");
  const auto paid = Harness::ok(h.call(&Stub::UpdatePayment, update));
  CHECK(paid.amount() == "275.00");
  CHECK(paid.status() == v1::PAYMENT_STATUS_PAID);
  CHECK(paid.payment_method() == "Card");
  CHECK(paid.transaction_id() == "TXN001");
  update.Clear();
  update.set_id(p.id());
  update.add_cleared("transaction_id");
  CHECK_FALSE(Harness::ok(h.call(&Stub::UpdatePayment, update)).has_transaction_id());
  update.set_id(999);
  CHECK(h.call(&Stub::UpdatePayment, update).outcome() == "NOT_FOUND Payment not found");

  v1::GetPaymentRequest get;
  get.set_id(p.id());
  CHECK(Harness::ok(h.call(&Stub::GetPayment, get)).amount() == "275.00");
  v1::DeletePaymentRequest del;
  del.set_id(p.id());
  Harness::ok(h.call(&Stub::DeletePayment, del));
  CHECK(h.call(&Stub::GetPayment, get).outcome() == "NOT_FOUND Payment not found");
  CHECK(h.call(&Stub::DeletePayment, del).outcome() == "NOT_FOUND Payment not found");
  // No payments left on Ann's order: it can go now.
  v1::DeleteOrderRequest del_order;
  del_order.set_id(ann.id());
  Harness::ok(h.call(&Stub::DeleteOrder, del_order));
}

TEST_CASE("idempotent creates: a replay answers the first response and makes no second row",
          "[grpc][integration]") {
  Harness h;
  const auto dev = h.device("SN1");
  const Idem key{"order-key-1", "fp-order", "42"};
  const auto first = h.call(&Stub::CreateOrder, h.order_request(dev.id(), "250.00"), key);
  REQUIRE(first.ok());
  CHECK(first.trailer.empty());
  h.clock.advance(1min);
  const auto replay = h.call(&Stub::CreateOrder, h.order_request(dev.id(), "250.00"), key);
  REQUIRE(replay.ok());
  CHECK(replay.trailer == "replayed");
  CHECK(replay.response.SerializeAsString() == first.response.SerializeAsString());
  CHECK(h.count("orders") == 1);
  CHECK(h.count("order_status_history") == 1);

  // The same key with another request: refused, nothing made.
  const auto mismatch = h.call(&Stub::CreateOrder, h.order_request(dev.id(), "99.00"),
                               Idem{"order-key-1", "fp-other", "42"});
  CHECK(mismatch.outcome() == "INVALID_ARGUMENT Idempotency key was used with a different request");
  CHECK(mismatch.trailer == "mismatch");
  CHECK(h.count("orders") == 1);

  // Keys are per caller: another caller's same key is a new request.
  const auto other = h.call(&Stub::CreateOrder, h.order_request(dev.id(), "250.00"),
                            Idem{"order-key-1", "fp-order", "43"});
  REQUIRE(other.ok());
  CHECK(other.response.id() != first.response.id());
  CHECK(h.count("orders") == 2);
}

TEST_CASE("every create is exactly-once per key", "[grpc][integration]") {
  Harness h;
  auto twice = [&](auto method, const auto& request, const std::string& name) {
    const Idem key{"key-" + name, "fp-" + name, "1"};
    const auto first = h.call(method, request, key);
    INFO(name << ": " << first.outcome());
    REQUIRE(first.ok());
    const auto second = h.call(method, request, key);
    INFO(second.outcome());
    REQUIRE(second.ok());
    CHECK(second.trailer == "replayed");
    CHECK(second.response.SerializeAsString() == first.response.SerializeAsString());
    return first.response;
  };
  v1::CreateDeviceTypeRequest type;
  type.set_name("Phone");
  twice(&Stub::CreateDeviceType, type, "type");
  v1::CreateBrandRequest brand;
  brand.set_name("Apple");
  const auto apple = twice(&Stub::CreateBrand, brand, "brand");
  v1::CreateModelRequest model;
  model.set_brand_id(apple.id());
  model.set_name("MacBook Air");
  model.set_device_type_id(h.laptop);
  twice(&Stub::CreateModel, model, "model");
  const auto dev = twice(&Stub::CreateDevice, h.device_request("SN-IDEM"), "device");
  const auto order = twice(&Stub::CreateOrder, h.order_request(dev.id(), "1.00"), "order");
  v1::CreateAssignmentRequest assign;
  assign.set_order_id(order.id());
  assign.set_user_id(kTech);
  const auto a = twice(&Stub::CreateAssignment, assign, "assignment");
  CHECK(a.customer_id() == kAnn);  // replayed, not "Assignment already exists"
  twice(&Stub::CreatePayment, h.payment_request(order.id()), "payment");
  CHECK(h.count("device_types") == 2);
  CHECK(h.count("brands") == 2);
  CHECK(h.count("models") == 2);
  CHECK(h.count("devices") == 1);
  CHECK(h.count("orders") == 1);
  CHECK(h.count("assignments") == 1);
  CHECK(h.count("payments") == 1);

  // A refused create keeps its error with the key (issue 11 item 6): the same key replays the
  // 404 even once the owner exists, and creates nothing; a new key creates the device.
  const Idem key{"key-retry", "fp-retry", "1"};
  CHECK(h.call(&Stub::CreateDevice, h.device_request("SN-RETRY", 999), key).outcome() ==
        "NOT_FOUND Owner not found");
  h.users.service.add(999);
  CHECK(h.call(&Stub::CreateDevice, h.device_request("SN-RETRY", 999), key).outcome() ==
        "NOT_FOUND Owner not found");
  CHECK(h.count("devices") == 1);
  const Idem fresh{"key-retry-2", "fp-retry", "1"};
  CHECK(h.call(&Stub::CreateDevice, h.device_request("SN-RETRY", 999), fresh).ok());
  CHECK(h.count("devices") == 2);
}

TEST_CASE("the user service away: UNAVAILABLE, nothing created", "[grpc][integration]") {
  Harness h;
  h.users.server.reset();
  CHECK(h.call(&Stub::CreateDevice, h.device_request("SN1")).outcome() ==
        "UNAVAILABLE Service unavailable");
  CHECK(h.count("devices") == 0);
  // What needs no account still works.
  CHECK(Harness::ok(h.call(&Stub::ListBrands, v1::ListBrandsRequest{})).brands_size() == 1);
}

TEST_CASE(
    "every write publishes its collection after its commit, with its version in the "
    "trailer, and no refusal or replay publishes",
    "[integration]") {
  Harness h;
  // The orders a reader sees when the change is published: the commit must be visible.
  std::vector<std::size_t> seen;
  auto recorder = std::make_shared<fleet::changes::testing::Recorder>(
      64, [&](const fleet::changes::Change& change) {
        if (change.topic == "orders") seen.push_back(h.shop->list_orders({}, Page{}).size());
      });
  h.changes.subscribe(recorder);
  const auto device = h.device("SN-FEED");
  const auto created =
      h.call(&Stub::CreateOrder, h.order_request(device.id(), "250.00"), Idem{"o1"});
  REQUIRE(created.ok());
  v1::UpdateOrderRequest update;
  update.set_id(created.response.id());
  update.set_status(v1::ORDER_STATUS_REPAIRING);
  const auto updated = h.call(&Stub::UpdateOrder, update);
  REQUIRE(updated.ok());

  const auto changes = recorder->changes();
  REQUIRE(changes.size() == 4);
  CHECK(changes[1].topic == "devices");
  CHECK(changes[2].topic == "orders");
  CHECK(created.version == "orders=" + std::to_string(changes[2].version));
  CHECK(changes[3].topic == "orders");
  CHECK(updated.version == "orders=" + std::to_string(changes[3].version));
  CHECK(changes[3].version > changes[2].version);
  CHECK(seen == std::vector<std::size_t>{1, 1});

  const auto replay =
      h.call(&Stub::CreateOrder, h.order_request(device.id(), "250.00"), Idem{"o1"});
  CHECK(replay.trailer == "replayed");
  CHECK(replay.version.empty());
  v1::DeleteDeviceRequest refused;  // it has an order
  refused.set_id(device.id());
  CHECK(h.call(&Stub::DeleteDevice, refused).status.error_code() ==
        StatusCode::FAILED_PRECONDITION);
  CHECK(recorder->changes().size() == 4);
}
