// repair shop (/v1 beyond auth and users, repair-shop.md): the catalog (device types, brands,
// models), customer devices, orders, payments and technician assignments, served by the
// repair-shop service.
//
// Who may do what (PLATFORM.md): staff (operator or admin) manage everything, declared as
// at_least(ROLE_OPERATOR) on every write. A customer (role user) reads the catalog, and only
// their own devices (owner_id), orders (customer_id), and their orders' payments and assignments
// (the customer_id the service puts on each): a customer's list is narrowed to their own rows,
// and a read of someone else's row is 403 ("Someone else's object"). Only these ownership checks
// are code; everything else is the rows' declarations.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>

#include "endpoint/call.h"
#include "render/accounts.h"
#include "render/repair_shop.h"
#include "surfaces/routes.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

using endpoint::Call;
using upstream::RepairShopRpc;
namespace json = boost::json;
namespace repairpb = upstream::repairpb;
namespace userpb = upstream::userpb;
using Awaitable = boost::asio::awaitable<http::Response>;

bool is_staff(const Call& call) { return render::is_staff(call.me().role()); }

// A customer's own row, or staff: otherwise 403.
void require_own(const Call& call, std::int64_t customer_id) {
  if (!is_staff(call) && customer_id != call.me().id()) call.forbid();
}

// The customer a list is narrowed to: nullopt for staff (the query's own filter applies). A
// customer asking for someone else's rows gets none.
struct Narrowing {
  std::optional<std::int64_t> customer;  // set for a customer
  bool empty = false;                    // a customer filtered by another customer
};
Narrowing narrow(const Call& call, std::string_view filter = {}) {
  if (is_staff(call)) return {};
  Narrowing out{call.me().id(), false};
  if (!filter.empty()) {
    if (auto asked = call.query.integer(filter); asked && *asked != call.me().id()) {
      out.empty = true;
    }
  }
  return out;
}

// The part of a cached list's key that depends on the caller: staff share one answer, a
// customer's is narrowed to their own rows.
std::string staff_or_customer(const Call& call) {
  return is_staff(call) ? std::string("staff") : "customer:" + std::to_string(call.me().id());
}
// Lists the gateway may keep while the repair-shop change feed says their collection is as it
// was (cache/response_cache.h): the catalog, devices and orders, whose rows hold nothing of any
// other collection.
constexpr endpoint::Caching kCatalogCache{.service = "repair-shop", .topic = "catalog"};
constexpr endpoint::Caching kDevicesCache{
    .service = "repair-shop", .topic = "devices", .vary = staff_or_customer};
constexpr endpoint::Caching kOrdersCache{
    .service = "repair-shop", .topic = "orders", .vary = staff_or_customer};

repairpb::Page page_of(const Call& call) {
  repairpb::Page page;
  page.set_limit(static_cast<std::int32_t>(*call.query.integer("limit")));
  page.set_offset(*call.query.integer("offset"));
  return page;
}

google::protobuf::Timestamp timestamp_of(validation::DateTime t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  google::protobuf::Timestamp out;
  out.set_seconds(secs.time_since_epoch().count());
  out.set_nanos(static_cast<std::int32_t>(duration_cast<nanoseconds>(t - secs).count()));
  return out;
}

template <typename Items, typename Render>
json::array array_of(const Items& items, Render render) {
  json::array out;
  out.reserve(static_cast<std::size_t>(items.size()));
  for (const auto& item : items) out.push_back(render(item));
  return out;
}

// --- catalog ----------------------------------------------------------------------------------

// POST /v1/devices/types (staff) {"name","description"?} -> 201
Awaitable create_device_type(Call& call) {
  repairpb::CreateDeviceTypeRequest request;
  request.set_name(*call.body.string("name"));
  if (auto v = call.body.string("description")) request.set_description(*v);
  auto created = co_await call.effect(&RepairShopRpc::CreateDeviceType, request);
  co_return call.json(render::repair_device_type(created));
}

// GET /v1/devices/types (anyone signed in)
Awaitable list_device_types(Call& call) {
  const repairpb::ListDeviceTypesRequest request;
  auto reply = co_await call.rpc(&RepairShopRpc::ListDeviceTypes, request);
  co_return call.json(array_of(reply.device_types(), render::repair_device_type));
}

// POST /v1/devices/brands (staff) {"name","description"?} -> 201
Awaitable create_brand(Call& call) {
  repairpb::CreateBrandRequest request;
  request.set_name(*call.body.string("name"));
  if (auto v = call.body.string("description")) request.set_description(*v);
  auto created = co_await call.effect(&RepairShopRpc::CreateBrand, request);
  co_return call.json(render::repair_brand(created));
}

// GET /v1/devices/brands (anyone signed in)
Awaitable list_brands(Call& call) {
  const repairpb::ListBrandsRequest request;
  auto reply = co_await call.rpc(&RepairShopRpc::ListBrands, request);
  co_return call.json(array_of(reply.brands(), render::repair_brand));
}

// POST /v1/devices/models (staff) {"brand_id","name","device_type_id"} -> 201
Awaitable create_model(Call& call) {
  repairpb::CreateModelRequest request;
  request.set_brand_id(*call.body.integer("brand_id"));
  request.set_name(*call.body.string("name"));
  request.set_device_type_id(*call.body.integer("device_type_id"));
  auto created = co_await call.effect(&RepairShopRpc::CreateModel, request);
  co_return call.json(render::repair_model(created));
}

// GET /v1/devices/models (anyone signed in)
Awaitable list_models(Call& call) {
  const repairpb::ListModelsRequest request;
  auto reply = co_await call.rpc(&RepairShopRpc::ListModels, request);
  co_return call.json(array_of(reply.models(), render::repair_model));
}

// --- customer devices -------------------------------------------------------------------------

// POST /v1/devices (staff) -> 201
Awaitable create_device(Call& call) {
  const auto& body = call.body;
  repairpb::CreateDeviceRequest request;
  request.set_brand_id(*body.integer("brand_id"));
  request.set_model_id(*body.integer("model_id"));
  request.set_device_type_id(*body.integer("device_type_id"));
  request.set_serial_number(*body.string("serial_number"));
  request.set_owner_id(*body.integer("owner_id"));
  if (auto v = body.string("notes")) request.set_notes(*v);
  auto created = co_await call.effect(&RepairShopRpc::CreateDevice, request);
  co_return call.json(render::repair_device(created));
}

// GET /v1/devices?limit&offset&owner_id: a customer sees only their own.
Awaitable list_devices(Call& call) {
  const auto own = narrow(call, "owner_id");
  if (own.empty) co_return call.json(json::array{});
  repairpb::ListDevicesRequest request;
  *request.mutable_page() = page_of(call);
  if (auto v = call.query.integer("owner_id")) request.set_owner_id(*v);
  if (own.customer) request.set_owner_id(*own.customer);
  auto reply = co_await call.rpc(&RepairShopRpc::ListDevices, request);
  co_return call.json(array_of(reply.devices(), render::repair_device));
}

boost::asio::awaitable<repairpb::Device> device_of(Call& call) {
  repairpb::GetDeviceRequest request;
  request.set_id(call.path_int("device_id"));
  co_return co_await call.rpc(&RepairShopRpc::GetDevice, request);
}

// GET /v1/devices/{device_id}: staff, or its owner.
Awaitable get_device(Call& call) {
  auto device = co_await device_of(call);
  require_own(call, device.owner_id());
  co_return call.json(render::repair_device(device));
}

// PATCH /v1/devices/{device_id} (staff): absent fields stay, notes: null clears.
Awaitable patch_device(Call& call) {
  const auto& body = call.body;
  repairpb::UpdateDeviceRequest request;
  request.set_id(call.path_int("device_id"));
  if (auto v = body.integer("brand_id")) request.set_brand_id(*v);
  if (auto v = body.integer("model_id")) request.set_model_id(*v);
  if (auto v = body.integer("device_type_id")) request.set_device_type_id(*v);
  if (auto v = body.string("serial_number")) request.set_serial_number(*v);
  if (auto v = body.integer("owner_id")) request.set_owner_id(*v);
  if (auto v = body.string("notes")) {
    request.set_notes(*v);
  } else if (body.is_null("notes")) {
    request.add_cleared("notes");
  }
  auto device = co_await call.rpc(&RepairShopRpc::UpdateDevice, request);
  co_return call.json(render::repair_device(device));
}

// DELETE /v1/devices/{device_id} (staff) -> 204; 400 while orders reference it.
Awaitable delete_device(Call& call) {
  repairpb::DeleteDeviceRequest request;
  request.set_id(call.path_int("device_id"));
  co_await call.rpc(&RepairShopRpc::DeleteDevice, request);
  co_return call.no_content();
}

// --- orders -----------------------------------------------------------------------------------

// POST /v1/orders (staff) -> 201. discount defaults to 0.00, status to Pending.
Awaitable create_order(Call& call) {
  const auto& body = call.body;
  repairpb::CreateOrderRequest request;
  request.set_device_id(*body.integer("device_id"));
  request.set_customer_id(*body.integer("customer_id"));
  if (auto v = body.integer("problem_id")) request.set_problem_id(*v);
  request.set_cost(*body.decimal("cost"));
  request.set_discount(body.decimal("discount").value_or("0.00"));
  if (auto v = body.string("note")) request.set_note(*v);
  if (auto v = body.string("status")) {
    request.set_status(render::order_status_of(*v).value_or(repairpb::ORDER_STATUS_PENDING));
  } else {
    request.set_status(repairpb::ORDER_STATUS_PENDING);
  }
  if (auto v = body.datetime("estimated_completion_date")) {
    *request.mutable_estimated_completion_date() = timestamp_of(*v);
  }
  auto created = co_await call.effect(&RepairShopRpc::CreateOrder, request);
  co_return call.json(render::repair_order(created));
}

// GET /v1/orders?status&customer_id&device_id&limit&offset: a customer sees only their own.
Awaitable list_orders(Call& call) {
  const auto own = narrow(call, "customer_id");
  if (own.empty) co_return call.json(json::array{});
  repairpb::ListOrdersRequest request;
  *request.mutable_page() = page_of(call);
  if (auto v = call.query.string("status")) {
    request.set_status(render::order_status_of(*v).value_or(repairpb::ORDER_STATUS_UNSPECIFIED));
  }
  if (auto v = call.query.integer("customer_id")) request.set_customer_id(*v);
  if (own.customer) request.set_customer_id(*own.customer);
  if (auto v = call.query.integer("device_id")) request.set_device_id(*v);
  auto reply = co_await call.rpc(&RepairShopRpc::ListOrders, request);
  co_return call.json(array_of(reply.orders(), render::repair_order));
}

boost::asio::awaitable<repairpb::Order> order_of(Call& call, std::int64_t id) {
  repairpb::GetOrderRequest request;
  request.set_id(id);
  auto order = co_await call.rpc(&RepairShopRpc::GetOrder, request);
  require_own(call, order.customer_id());
  co_return order;
}

// GET /v1/orders/{order_id}: staff, or its customer.
Awaitable get_order(Call& call) {
  auto order = co_await order_of(call, call.path_int("order_id"));
  co_return call.json(render::repair_order(order));
}

// PATCH /v1/orders/{order_id} (staff): absent fields stay; problem_id, note and
// estimated_completion_date: null clears. The service keeps total_cost, completed_at, updated_at
// and the status history.
Awaitable patch_order(Call& call) {
  const auto& body = call.body;
  repairpb::UpdateOrderRequest request;
  request.set_id(call.path_int("order_id"));
  if (auto v = body.integer("device_id")) request.set_device_id(*v);
  if (auto v = body.integer("customer_id")) request.set_customer_id(*v);
  if (auto v = body.integer("problem_id")) {
    request.set_problem_id(*v);
  } else if (body.is_null("problem_id")) {
    request.add_cleared("problem_id");
  }
  if (auto v = body.decimal("cost")) request.set_cost(*v);
  if (auto v = body.decimal("discount")) request.set_discount(*v);
  if (auto v = body.string("note")) {
    request.set_note(*v);
  } else if (body.is_null("note")) {
    request.add_cleared("note");
  }
  if (auto v = body.string("status")) {
    request.set_status(render::order_status_of(*v).value_or(repairpb::ORDER_STATUS_UNSPECIFIED));
  }
  if (auto v = body.datetime("estimated_completion_date")) {
    *request.mutable_estimated_completion_date() = timestamp_of(*v);
  } else if (body.is_null("estimated_completion_date")) {
    request.add_cleared("estimated_completion_date");
  }
  auto order = co_await call.rpc(&RepairShopRpc::UpdateOrder, request);
  co_return call.json(render::repair_order(order));
}

// DELETE /v1/orders/{order_id} (staff) -> 204; 400 while payments reference it.
Awaitable delete_order(Call& call) {
  repairpb::DeleteOrderRequest request;
  request.set_id(call.path_int("order_id"));
  co_await call.rpc(&RepairShopRpc::DeleteOrder, request);
  co_return call.no_content();
}

// --- assignments ------------------------------------------------------------------------------

// POST /v1/orders/assign and POST /v1/assigns (staff) {"order_id","user_id"} -> 201
Awaitable create_assignment(Call& call) {
  repairpb::CreateAssignmentRequest request;
  request.set_order_id(*call.body.integer("order_id"));
  request.set_user_id(*call.body.integer("user_id"));
  auto created = co_await call.effect(&RepairShopRpc::CreateAssignment, request);
  co_return call.json(render::repair_assignment(created));
}

// GET /v1/orders/assign/{order_id}: every assignment of one order (staff, or its customer); an
// unknown order is 404.
Awaitable order_assignments(Call& call) {
  auto order = co_await order_of(call, call.path_int("order_id"));
  repairpb::ListAssignmentsRequest request;
  request.set_order_id(order.id());
  auto reply = co_await call.rpc(&RepairShopRpc::ListAssignments, request);
  co_return call.json(array_of(reply.assignments(), render::repair_assignment));
}

// GET /v1/assigns?order_id&user_id&limit&offset: a customer sees their orders' only.
Awaitable list_assignments(Call& call) {
  const auto own = narrow(call);
  repairpb::ListAssignmentsRequest request;
  *request.mutable_page() = page_of(call);
  if (auto v = call.query.integer("order_id")) request.set_order_id(*v);
  if (auto v = call.query.integer("user_id")) request.set_user_id(*v);
  if (own.customer) request.set_customer_id(*own.customer);
  auto reply = co_await call.rpc(&RepairShopRpc::ListAssignments, request);
  co_return call.json(array_of(reply.assignments(), render::repair_assignment));
}

// GET /v1/assigns/{assign_id}: staff, or the order's customer.
Awaitable get_assignment(Call& call) {
  repairpb::GetAssignmentRequest request;
  request.set_id(call.path_int("assign_id"));
  auto assignment = co_await call.rpc(&RepairShopRpc::GetAssignment, request);
  require_own(call, assignment.customer_id());
  co_return call.json(render::repair_assignment(assignment));
}

// DELETE /v1/assigns/{assign_id} (staff) -> 204
Awaitable delete_assignment(Call& call) {
  repairpb::DeleteAssignmentRequest request;
  request.set_id(call.path_int("assign_id"));
  co_await call.rpc(&RepairShopRpc::DeleteAssignment, request);
  co_return call.no_content();
}

// --- payments ---------------------------------------------------------------------------------

// POST /v1/payments (staff) -> 201. status defaults to Unpaid.
Awaitable create_payment(Call& call) {
  const auto& body = call.body;
  repairpb::CreatePaymentRequest request;
  request.set_order_id(*body.integer("order_id"));
  request.set_due_amount(*body.decimal("due_amount"));
  request.set_amount(*body.decimal("amount"));
  if (auto v = body.string("status")) {
    request.set_status(render::payment_status_of(*v).value_or(repairpb::PAYMENT_STATUS_UNPAID));
  } else {
    request.set_status(repairpb::PAYMENT_STATUS_UNPAID);
  }
  if (auto v = body.string("payment_method")) request.set_payment_method(*v);
  if (auto v = body.string("transaction_id")) request.set_transaction_id(*v);
  auto created = co_await call.effect(&RepairShopRpc::CreatePayment, request);
  co_return call.json(render::repair_payment(created));
}

// GET /v1/payments?status&order_id&limit&offset: a customer sees their orders' only.
Awaitable list_payments(Call& call) {
  const auto own = narrow(call);
  repairpb::ListPaymentsRequest request;
  *request.mutable_page() = page_of(call);
  if (auto v = call.query.string("status")) {
    request.set_status(
        render::payment_status_of(*v).value_or(repairpb::PAYMENT_STATUS_UNSPECIFIED));
  }
  if (auto v = call.query.integer("order_id")) request.set_order_id(*v);
  if (own.customer) request.set_customer_id(*own.customer);
  auto reply = co_await call.rpc(&RepairShopRpc::ListPayments, request);
  co_return call.json(array_of(reply.payments(), render::repair_payment));
}

// GET /v1/payments/{payment_id}: staff, or the order's customer.
Awaitable get_payment(Call& call) {
  repairpb::GetPaymentRequest request;
  request.set_id(call.path_int("payment_id"));
  auto payment = co_await call.rpc(&RepairShopRpc::GetPayment, request);
  require_own(call, payment.customer_id());
  co_return call.json(render::repair_payment(payment));
}

// PATCH /v1/payments/{payment_id} (staff): absent fields stay; payment_method and
// transaction_id: null clears.
Awaitable patch_payment(Call& call) {
  const auto& body = call.body;
  repairpb::UpdatePaymentRequest request;
  request.set_id(call.path_int("payment_id"));
  if (auto v = body.decimal("due_amount")) request.set_due_amount(*v);
  if (auto v = body.decimal("amount")) request.set_amount(*v);
  if (auto v = body.string("status")) {
    request.set_status(
        render::payment_status_of(*v).value_or(repairpb::PAYMENT_STATUS_UNSPECIFIED));
  }
  for (std::string_view name : {"payment_method", "transaction_id"}) {
    if (auto v = body.string(name)) {
      if (name == "payment_method") {
        request.set_payment_method(*v);
      } else {
        request.set_transaction_id(*v);
      }
    } else if (body.is_null(name)) {
      request.add_cleared(std::string(name));
    }
  }
  auto payment = co_await call.rpc(&RepairShopRpc::UpdatePayment, request);
  co_return call.json(render::repair_payment(payment));
}

// DELETE /v1/payments/{payment_id} (staff) -> 204
Awaitable delete_payment(Call& call) {
  repairpb::DeletePaymentRequest request;
  request.set_id(call.path_int("payment_id"));
  co_await call.rpc(&RepairShopRpc::DeletePayment, request);
  co_return call.no_content();
}

// --- the table --------------------------------------------------------------------------------

constexpr validation::Field kDeviceId[] = {
    {.name = "device_id", .type = validation::Type::kInt, .required = true}};
constexpr validation::Field kOrderId[] = {
    {.name = "order_id", .type = validation::Type::kInt, .required = true}};
constexpr validation::Field kPaymentId[] = {
    {.name = "payment_id", .type = validation::Type::kInt, .required = true}};
constexpr validation::Field kAssignId[] = {
    {.name = "assign_id", .type = validation::Type::kInt, .required = true}};

// The service's client-safe texts (repair_shop.proto): already exists and a broken rule 400,
// an unknown id 404.
using grpc::StatusCode;
constexpr endpoint::ErrorRule kCreateErrors[] = {{StatusCode::ALREADY_EXISTS, 400},
                                                 {StatusCode::FAILED_PRECONDITION, 400},
                                                 {StatusCode::NOT_FOUND, 404}};
constexpr endpoint::ErrorRule kWriteErrors[] = {{StatusCode::ALREADY_EXISTS, 400},
                                                {StatusCode::FAILED_PRECONDITION, 400},
                                                {StatusCode::NOT_FOUND, 404}};
constexpr endpoint::ErrorRule kDeleteErrors[] = {{StatusCode::FAILED_PRECONDITION, 400},
                                                 {StatusCode::NOT_FOUND, 404}};
constexpr endpoint::ErrorRule kReadErrors[] = {{StatusCode::NOT_FOUND, 404},
                                               {StatusCode::PERMISSION_DENIED, 403,
                                                endpoint::kForbiddenText}};

constexpr auto kStaff = endpoint::at_least(userpb::ROLE_OPERATOR);
constexpr auto kSignedIn = endpoint::kAnyToken;
constexpr auto S = Surface::kRepair;
using endpoint::Body;

constexpr endpoint::Endpoint kRows[] = {
    // catalog
    {.method = "POST", .path = "/v1/devices/types", .surface = S,
     .summary = "Create a device type (staff)", .access = kStaff, .body_kind = Body::kJson,
     .body = kRepairCatalogEntry, .success = 201, .idempotent = true, .errors = kCreateErrors,
     .response = {"RepairDeviceType"}, .run = create_device_type},
    {.method = "GET", .path = "/v1/devices/types", .surface = S, .summary = "List device types",
     .access = kSignedIn, .response = {"RepairDeviceType", true}, .run = list_device_types,
     .cache = kCatalogCache},
    {.method = "POST", .path = "/v1/devices/brands", .surface = S,
     .summary = "Create a brand (staff)", .access = kStaff, .body_kind = Body::kJson,
     .body = kRepairCatalogEntry, .success = 201, .idempotent = true, .errors = kCreateErrors,
     .response = {"RepairBrand"}, .run = create_brand},
    {.method = "GET", .path = "/v1/devices/brands", .surface = S, .summary = "List brands",
     .access = kSignedIn, .response = {"RepairBrand", true}, .run = list_brands,
     .cache = kCatalogCache},
    {.method = "POST", .path = "/v1/devices/models", .surface = S,
     .summary = "Create a device model (staff)", .access = kStaff, .body_kind = Body::kJson,
     .body = kRepairCreateModel, .success = 201, .idempotent = true, .errors = kCreateErrors,
     .response = {"RepairModel"}, .run = create_model},
    {.method = "GET", .path = "/v1/devices/models", .surface = S, .summary = "List device models",
     .access = kSignedIn, .response = {"RepairModel", true}, .run = list_models,
     .cache = kCatalogCache},

    // customer devices
    {.method = "POST", .path = "/v1/devices", .surface = S,
     .summary = "Register a customer's device (staff)", .access = kStaff,
     .body_kind = Body::kJson, .body = kRepairCreateDevice, .success = 201, .idempotent = true,
     .errors = kCreateErrors, .response = {"RepairDevice"}, .run = create_device},
    {.method = "GET", .path = "/v1/devices", .surface = S,
     .summary = "List devices (staff; a customer sees only their own)", .access = kSignedIn,
     .query = kRepairDevicesQuery, .response = {"RepairDevice", true}, .run = list_devices,
     .cache = kDevicesCache},
    {.method = "GET", .path = "/v1/devices/{device_id}", .surface = S,
     .summary = "Read a device (staff, or its owner)", .access = kSignedIn,
     .path_params = kDeviceId, .errors = kReadErrors, .response = {"RepairDevice"},
     .run = get_device},
    {.method = "PATCH", .path = "/v1/devices/{device_id}", .surface = S,
     .summary = "Update a device (staff)", .access = kStaff, .path_params = kDeviceId,
     .body_kind = Body::kJson, .body = kRepairPatchDevice, .errors = kWriteErrors,
     .response = {"RepairDevice"}, .run = patch_device},
    {.method = "DELETE", .path = "/v1/devices/{device_id}", .surface = S,
     .summary = "Delete a device without orders (staff)", .access = kStaff,
     .path_params = kDeviceId, .success = 204, .errors = kDeleteErrors, .run = delete_device},

    // orders
    {.method = "POST", .path = "/v1/orders", .surface = S,
     .summary = "Create a repair order (staff)", .access = kStaff, .body_kind = Body::kJson,
     .body = kRepairCreateOrder, .success = 201, .idempotent = true, .errors = kCreateErrors,
     .response = {"RepairOrder"}, .run = create_order},
    {.method = "GET", .path = "/v1/orders", .surface = S,
     .summary = "List orders (staff; a customer sees only their own)", .access = kSignedIn,
     .query = kRepairOrdersQuery, .response = {"RepairOrder", true}, .run = list_orders,
     .cache = kOrdersCache},
    {.method = "GET", .path = "/v1/orders/{order_id}", .surface = S,
     .summary = "Read an order (staff, or its customer)", .access = kSignedIn,
     .path_params = kOrderId, .errors = kReadErrors, .response = {"RepairOrder"},
     .run = get_order},
    {.method = "PATCH", .path = "/v1/orders/{order_id}", .surface = S,
     .summary = "Update an order (staff)", .access = kStaff, .path_params = kOrderId,
     .body_kind = Body::kJson, .body = kRepairPatchOrder, .errors = kWriteErrors,
     .response = {"RepairOrder"}, .run = patch_order},
    {.method = "DELETE", .path = "/v1/orders/{order_id}", .surface = S,
     .summary = "Delete an order without payments (staff)", .access = kStaff,
     .path_params = kOrderId, .success = 204, .errors = kDeleteErrors, .run = delete_order},
    {.method = "POST", .path = "/v1/orders/assign", .surface = S,
     .summary = "Assign an order to a technician (staff)", .access = kStaff,
     .body_kind = Body::kJson, .body = kRepairAssign, .success = 201, .idempotent = true,
     .errors = kCreateErrors, .response = {"RepairAssignment"}, .run = create_assignment},
    {.method = "GET", .path = "/v1/orders/assign/{order_id}", .surface = S,
     .summary = "An order's assignments (staff, or its customer)", .access = kSignedIn,
     .path_params = kOrderId, .errors = kReadErrors, .response = {"RepairAssignment", true},
     .run = order_assignments},

    // payments
    {.method = "POST", .path = "/v1/payments", .surface = S,
     .summary = "Record a payment (staff)", .access = kStaff, .body_kind = Body::kJson,
     .body = kRepairCreatePayment, .success = 201, .idempotent = true, .errors = kCreateErrors,
     .response = {"RepairPayment"}, .run = create_payment},
    {.method = "GET", .path = "/v1/payments", .surface = S,
     .summary = "List payments (staff; a customer sees only their orders')", .access = kSignedIn,
     .query = kRepairPaymentsQuery, .response = {"RepairPayment", true}, .run = list_payments},
    {.method = "GET", .path = "/v1/payments/{payment_id}", .surface = S,
     .summary = "Read a payment (staff, or the order's customer)", .access = kSignedIn,
     .path_params = kPaymentId, .errors = kReadErrors, .response = {"RepairPayment"},
     .run = get_payment},
    {.method = "PATCH", .path = "/v1/payments/{payment_id}", .surface = S,
     .summary = "Update a payment (staff)", .access = kStaff, .path_params = kPaymentId,
     .body_kind = Body::kJson, .body = kRepairPatchPayment, .errors = kWriteErrors,
     .response = {"RepairPayment"}, .run = patch_payment},
    {.method = "DELETE", .path = "/v1/payments/{payment_id}", .surface = S,
     .summary = "Delete a payment (staff)", .access = kStaff, .path_params = kPaymentId,
     .success = 204, .errors = kDeleteErrors, .run = delete_payment},

    // assignments
    {.method = "POST", .path = "/v1/assigns", .surface = S,
     .summary = "Assign an order to a technician (staff)", .access = kStaff,
     .body_kind = Body::kJson, .body = kRepairAssign, .success = 201, .idempotent = true,
     .errors = kCreateErrors, .response = {"RepairAssignment"}, .run = create_assignment},
    {.method = "GET", .path = "/v1/assigns", .surface = S,
     .summary = "List assignments (staff; a customer sees only their orders')",
     .access = kSignedIn, .query = kRepairAssignsQuery, .response = {"RepairAssignment", true},
     .run = list_assignments},
    {.method = "GET", .path = "/v1/assigns/{assign_id}", .surface = S,
     .summary = "Read an assignment (staff, or the order's customer)", .access = kSignedIn,
     .path_params = kAssignId, .errors = kReadErrors, .response = {"RepairAssignment"},
     .run = get_assignment},
    {.method = "DELETE", .path = "/v1/assigns/{assign_id}", .surface = S,
     .summary = "Delete an assignment (staff)", .access = kStaff, .path_params = kAssignId,
     .success = 204, .errors = kDeleteErrors, .run = delete_assignment},
};

}  // namespace

endpoint::Table repair_shop_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
