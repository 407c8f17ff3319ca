#pragma once
// The gRPC face of the repair shop (fleetgate.repair_shop.v1.RepairShopService): decodes
// requests, calls the domain on the worker pool, encodes responses. Every Create* is
// exactly-once per idempotency key (libs/idempotency): the domain runs inside the key store's
// transaction, so the row and the stored response commit together. Owners, customers and
// technicians are checked with the user service (GrpcAccounts). Every write publishes its
// collection (catalog, devices, orders, assignments, payments) on the change feed after its commit
// (not on a replay), with the version in its trailing metadata. No rules live here.
#include "domain/repair_shop.h"
#include "domain/repository.h"
#include "fleet/changes/feed.h"
#include "fleet/idempotency/store.h"
#include "fleet/idempotency/unary.h"
#include "fleet/rpc/server.h"
#include "repair_shop/v1/repair_shop.grpc.pb.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::repair_shop {

namespace v1 = fleetgate::repair_shop::v1;

class RepairShopService final : public v1::RepairShopService::CallbackService {
 public:
  using UserStub = fleetgate::user::v1::UserService::StubInterface;

  // open_transaction: the repository's Transaction on the idempotency key's connection
  // (MariadbRepairShopRepository::transaction_on in main).
  RepairShopService(RepairShop& shop, UserStub& users, idempotency::Store& idempotency,
                    idempotency::TransactionFactory<Transaction> open_transaction,
                    rpc::WorkerPool& workers, changes::Publisher& changes)
      : shop_(shop),
        users_(users),
        idempotency_(idempotency),
        open_transaction_(std::move(open_transaction)),
        workers_(workers),
        changes_(changes) {}

  grpc::ServerUnaryReactor* CreateDeviceType(grpc::CallbackServerContext* context,
                                             const v1::CreateDeviceTypeRequest* request,
                                             v1::DeviceType* response) override;
  grpc::ServerUnaryReactor* ListDeviceTypes(grpc::CallbackServerContext* context,
                                            const v1::ListDeviceTypesRequest* request,
                                            v1::ListDeviceTypesResponse* response) override;
  grpc::ServerUnaryReactor* CreateBrand(grpc::CallbackServerContext* context,
                                        const v1::CreateBrandRequest* request,
                                        v1::Brand* response) override;
  grpc::ServerUnaryReactor* ListBrands(grpc::CallbackServerContext* context,
                                       const v1::ListBrandsRequest* request,
                                       v1::ListBrandsResponse* response) override;
  grpc::ServerUnaryReactor* CreateModel(grpc::CallbackServerContext* context,
                                        const v1::CreateModelRequest* request,
                                        v1::Model* response) override;
  grpc::ServerUnaryReactor* ListModels(grpc::CallbackServerContext* context,
                                       const v1::ListModelsRequest* request,
                                       v1::ListModelsResponse* response) override;
  grpc::ServerUnaryReactor* CreateDevice(grpc::CallbackServerContext* context,
                                         const v1::CreateDeviceRequest* request,
                                         v1::Device* response) override;
  grpc::ServerUnaryReactor* ListDevices(grpc::CallbackServerContext* context,
                                        const v1::ListDevicesRequest* request,
                                        v1::ListDevicesResponse* response) override;
  grpc::ServerUnaryReactor* GetDevice(grpc::CallbackServerContext* context,
                                      const v1::GetDeviceRequest* request,
                                      v1::Device* response) override;
  grpc::ServerUnaryReactor* UpdateDevice(grpc::CallbackServerContext* context,
                                         const v1::UpdateDeviceRequest* request,
                                         v1::Device* response) override;
  grpc::ServerUnaryReactor* DeleteDevice(grpc::CallbackServerContext* context,
                                         const v1::DeleteDeviceRequest* request,
                                         v1::DeleteResponse* response) override;
  grpc::ServerUnaryReactor* CreateOrder(grpc::CallbackServerContext* context,
                                        const v1::CreateOrderRequest* request,
                                        v1::Order* response) override;
  grpc::ServerUnaryReactor* ListOrders(grpc::CallbackServerContext* context,
                                       const v1::ListOrdersRequest* request,
                                       v1::ListOrdersResponse* response) override;
  grpc::ServerUnaryReactor* GetOrder(grpc::CallbackServerContext* context,
                                     const v1::GetOrderRequest* request,
                                     v1::Order* response) override;
  grpc::ServerUnaryReactor* UpdateOrder(grpc::CallbackServerContext* context,
                                        const v1::UpdateOrderRequest* request,
                                        v1::Order* response) override;
  grpc::ServerUnaryReactor* DeleteOrder(grpc::CallbackServerContext* context,
                                        const v1::DeleteOrderRequest* request,
                                        v1::DeleteResponse* response) override;
  grpc::ServerUnaryReactor* ListOrderHistory(grpc::CallbackServerContext* context,
                                             const v1::ListOrderHistoryRequest* request,
                                             v1::ListOrderHistoryResponse* response) override;
  grpc::ServerUnaryReactor* CreateAssignment(grpc::CallbackServerContext* context,
                                             const v1::CreateAssignmentRequest* request,
                                             v1::Assignment* response) override;
  grpc::ServerUnaryReactor* ListAssignments(grpc::CallbackServerContext* context,
                                            const v1::ListAssignmentsRequest* request,
                                            v1::ListAssignmentsResponse* response) override;
  grpc::ServerUnaryReactor* GetAssignment(grpc::CallbackServerContext* context,
                                          const v1::GetAssignmentRequest* request,
                                          v1::Assignment* response) override;
  grpc::ServerUnaryReactor* DeleteAssignment(grpc::CallbackServerContext* context,
                                             const v1::DeleteAssignmentRequest* request,
                                             v1::DeleteResponse* response) override;
  grpc::ServerUnaryReactor* CreatePayment(grpc::CallbackServerContext* context,
                                          const v1::CreatePaymentRequest* request,
                                          v1::Payment* response) override;
  grpc::ServerUnaryReactor* ListPayments(grpc::CallbackServerContext* context,
                                         const v1::ListPaymentsRequest* request,
                                         v1::ListPaymentsResponse* response) override;
  grpc::ServerUnaryReactor* GetPayment(grpc::CallbackServerContext* context,
                                       const v1::GetPaymentRequest* request,
                                       v1::Payment* response) override;
  grpc::ServerUnaryReactor* UpdatePayment(grpc::CallbackServerContext* context,
                                          const v1::UpdatePaymentRequest* request,
                                          v1::Payment* response) override;
  grpc::ServerUnaryReactor* DeletePayment(grpc::CallbackServerContext* context,
                                          const v1::DeletePaymentRequest* request,
                                          v1::DeleteResponse* response) override;

 private:
  // Runs effect(tx) exactly once per idempotency key, its response stored with it; publishes
  // `topic` once it committed.
  template <class Response>
  grpc::ServerUnaryReactor* create(grpc::CallbackServerContext* context, Response* response,
                                   std::string_view topic,
                                   std::function<void(Transaction&)> effect) {
    return idempotency::run_unary(
        context, workers_, idempotency_, response, open_transaction_, std::move(effect),
        [this, context, topic] { changes::publish_committed(*context, changes_, topic); });
  }
  // Runs work (which commits on its own), then publishes `topic`.
  grpc::ServerUnaryReactor* write(grpc::CallbackServerContext* context, std::string_view topic,
                                  std::function<void()> work);

  RepairShop& shop_;
  UserStub& users_;
  idempotency::Store& idempotency_;
  idempotency::TransactionFactory<Transaction> open_transaction_;
  rpc::WorkerPool& workers_;
  changes::Publisher& changes_;
};

}  // namespace fleet::repair_shop
