#include "api/repair_shop_service.h"

#include "api/accounts_client.h"
#include "api/convert.h"
#include "fleet/changes/feed.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/unary.h"

namespace fleet::repair_shop {

using rpc::optional_field;

// The change feed's topics: the collections a write changes.
constexpr std::string_view kCatalog = "catalog";
constexpr std::string_view kDevices = "devices";
constexpr std::string_view kOrders = "orders";
constexpr std::string_view kAssignments = "assignments";
constexpr std::string_view kPayments = "payments";

grpc::ServerUnaryReactor* RepairShopService::write(grpc::CallbackServerContext* context,
                                                   std::string_view topic,
                                                   std::function<void()> work) {
  return rpc::run_unary(context, workers_, [this, context, topic, work = std::move(work)] {
    work();
    changes::publish_committed(*context, changes_, topic);
  });
}

grpc::ServerUnaryReactor* RepairShopService::CreateDeviceType(
    grpc::CallbackServerContext* context, const v1::CreateDeviceTypeRequest* request,
    v1::DeviceType* response) {
  return create(context, response, kCatalog, [=, this](Transaction& tx) {
    to_proto(shop_.create_device_type(tx, new_entry_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::ListDeviceTypes(
    grpc::CallbackServerContext* context, const v1::ListDeviceTypesRequest* request,
    v1::ListDeviceTypesResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    for (const auto& t : shop_.list_device_types()) to_proto(t, response->add_device_types());
  });
}

grpc::ServerUnaryReactor* RepairShopService::CreateBrand(grpc::CallbackServerContext* context,
                                                         const v1::CreateBrandRequest* request,
                                                         v1::Brand* response) {
  return create(context, response, kCatalog, [=, this](Transaction& tx) {
    to_proto(shop_.create_brand(tx, new_entry_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::ListBrands(grpc::CallbackServerContext* context,
                                                        const v1::ListBrandsRequest* request,
                                                        v1::ListBrandsResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    for (const auto& b : shop_.list_brands()) to_proto(b, response->add_brands());
  });
}

grpc::ServerUnaryReactor* RepairShopService::CreateModel(grpc::CallbackServerContext* context,
                                                         const v1::CreateModelRequest* request,
                                                         v1::Model* response) {
  return create(context, response, kCatalog, [=, this](Transaction& tx) {
    to_proto(shop_.create_model(tx, new_model_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::ListModels(grpc::CallbackServerContext* context,
                                                        const v1::ListModelsRequest* request,
                                                        v1::ListModelsResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    for (const auto& m : shop_.list_models()) to_proto(m, response->add_models());
  });
}

grpc::ServerUnaryReactor* RepairShopService::CreateDevice(grpc::CallbackServerContext* context,
                                                          const v1::CreateDeviceRequest* request,
                                                          v1::Device* response) {
  return create(context, response, kDevices, [=, this](Transaction& tx) {
    GrpcAccounts accounts(users_, *context);
    to_proto(shop_.create_device(tx, accounts, new_device_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::ListDevices(grpc::CallbackServerContext* context,
                                                         const v1::ListDevicesRequest* request,
                                                         v1::ListDevicesResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    const DeviceFilter filter{optional_field(request->has_owner_id(), request->owner_id())};
    const auto page = page_of(request->has_page(), request->page(), Page{});
    for (const auto& d : shop_.list_devices(filter, *page)) to_proto(d, response->add_devices());
  });
}

grpc::ServerUnaryReactor* RepairShopService::GetDevice(grpc::CallbackServerContext* context,
                                                       const v1::GetDeviceRequest* request,
                                                       v1::Device* response) {
  return rpc::run_unary(context, workers_,
                        [=, this] { to_proto(shop_.get_device(request->id()), response); });
}

grpc::ServerUnaryReactor* RepairShopService::UpdateDevice(grpc::CallbackServerContext* context,
                                                          const v1::UpdateDeviceRequest* request,
                                                          v1::Device* response) {
  return write(context, kDevices, [=, this] {
    GrpcAccounts accounts(users_, *context);
    to_proto(shop_.update_device(accounts, changes_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::DeleteDevice(grpc::CallbackServerContext* context,
                                                          const v1::DeleteDeviceRequest* request,
                                                          v1::DeleteResponse* response) {
  return write(context, kDevices, [=, this] { shop_.delete_device(request->id()); });
}

grpc::ServerUnaryReactor* RepairShopService::CreateOrder(grpc::CallbackServerContext* context,
                                                         const v1::CreateOrderRequest* request,
                                                         v1::Order* response) {
  return create(context, response, kOrders, [=, this](Transaction& tx) {
    GrpcAccounts accounts(users_, *context);
    to_proto(shop_.create_order(tx, accounts, new_order_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::ListOrders(grpc::CallbackServerContext* context,
                                                        const v1::ListOrdersRequest* request,
                                                        v1::ListOrdersResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    const auto page = page_of(request->has_page(), request->page(), Page{});
    for (const auto& o : shop_.list_orders(filter_of(*request), *page)) {
      to_proto(o, response->add_orders());
    }
  });
}

grpc::ServerUnaryReactor* RepairShopService::GetOrder(grpc::CallbackServerContext* context,
                                                      const v1::GetOrderRequest* request,
                                                      v1::Order* response) {
  return rpc::run_unary(context, workers_,
                        [=, this] { to_proto(shop_.get_order(request->id()), response); });
}

grpc::ServerUnaryReactor* RepairShopService::UpdateOrder(grpc::CallbackServerContext* context,
                                                         const v1::UpdateOrderRequest* request,
                                                         v1::Order* response) {
  return write(context, kOrders, [=, this] {
    GrpcAccounts accounts(users_, *context);
    to_proto(shop_.update_order(accounts, changes_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::DeleteOrder(grpc::CallbackServerContext* context,
                                                         const v1::DeleteOrderRequest* request,
                                                         v1::DeleteResponse* response) {
  return write(context, kOrders, [=, this] { shop_.delete_order(request->id()); });
}

grpc::ServerUnaryReactor* RepairShopService::ListOrderHistory(
    grpc::CallbackServerContext* context, const v1::ListOrderHistoryRequest* request,
    v1::ListOrderHistoryResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    for (const auto& c : shop_.order_history(request->order_id())) {
      to_proto(c, response->add_changes());
    }
  });
}

grpc::ServerUnaryReactor* RepairShopService::CreateAssignment(
    grpc::CallbackServerContext* context, const v1::CreateAssignmentRequest* request,
    v1::Assignment* response) {
  return create(context, response, kAssignments, [=, this](Transaction& tx) {
    GrpcAccounts accounts(users_, *context);
    to_proto(shop_.create_assignment(tx, accounts, {request->order_id(), request->user_id()}),
             response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::ListAssignments(
    grpc::CallbackServerContext* context, const v1::ListAssignmentsRequest* request,
    v1::ListAssignmentsResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    // Without a page: every matching row.
    const auto page = page_of(request->has_page(), request->page(), std::nullopt);
    for (const auto& a : shop_.list_assignments(filter_of(*request), page)) {
      to_proto(a, response->add_assignments());
    }
  });
}

grpc::ServerUnaryReactor* RepairShopService::GetAssignment(grpc::CallbackServerContext* context,
                                                           const v1::GetAssignmentRequest* request,
                                                           v1::Assignment* response) {
  return rpc::run_unary(context, workers_,
                        [=, this] { to_proto(shop_.get_assignment(request->id()), response); });
}

grpc::ServerUnaryReactor* RepairShopService::DeleteAssignment(
    grpc::CallbackServerContext* context, const v1::DeleteAssignmentRequest* request,
    v1::DeleteResponse* response) {
  return write(context, kAssignments, [=, this] { shop_.delete_assignment(request->id()); });
}

grpc::ServerUnaryReactor* RepairShopService::CreatePayment(grpc::CallbackServerContext* context,
                                                           const v1::CreatePaymentRequest* request,
                                                           v1::Payment* response) {
  return create(context, response, kPayments, [=, this](Transaction& tx) {
    to_proto(shop_.create_payment(tx, new_payment_of(*request)), response);
  });
}

grpc::ServerUnaryReactor* RepairShopService::ListPayments(grpc::CallbackServerContext* context,
                                                          const v1::ListPaymentsRequest* request,
                                                          v1::ListPaymentsResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    const auto page = page_of(request->has_page(), request->page(), Page{});
    for (const auto& p : shop_.list_payments(filter_of(*request), *page)) {
      to_proto(p, response->add_payments());
    }
  });
}

grpc::ServerUnaryReactor* RepairShopService::GetPayment(grpc::CallbackServerContext* context,
                                                        const v1::GetPaymentRequest* request,
                                                        v1::Payment* response) {
  return rpc::run_unary(context, workers_,
                        [=, this] { to_proto(shop_.get_payment(request->id()), response); });
}

grpc::ServerUnaryReactor* RepairShopService::UpdatePayment(grpc::CallbackServerContext* context,
                                                           const v1::UpdatePaymentRequest* request,
                                                           v1::Payment* response) {
  return write(context, kPayments,
               [=, this] { to_proto(shop_.update_payment(changes_of(*request)), response); });
}

grpc::ServerUnaryReactor* RepairShopService::DeletePayment(grpc::CallbackServerContext* context,
                                                           const v1::DeletePaymentRequest* request,
                                                           v1::DeleteResponse* response) {
  return write(context, kPayments, [=, this] { shop_.delete_payment(request->id()); });
}

}  // namespace fleet::repair_shop
