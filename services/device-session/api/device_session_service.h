#pragma once
// The gRPC face of device-session: decodes requests, calls the domain on the worker pool,
// encodes responses. StartDevice and StopDevice are exactly-once per idempotency key
// (libs/idempotency): the domain runs inside the store's transaction and its events are
// published after the commit. No rules live here.
#include "device_session/v1/device_session.grpc.pb.h"
#include "domain/rental.h"
#include "domain/repository.h"
#include "fleet/idempotency/store.h"
#include "fleet/idempotency/unary.h"
#include "fleet/rpc/server.h"

namespace fleet::device_session {

namespace v1 = fleetgate::device_session::v1;

class DeviceSessionService final : public v1::DeviceSessionService::CallbackService {
 public:
  // open_transaction: the repository's Transaction on the idempotency key's connection
  // (MariadbDeviceSessionRepository::transaction_on in main).
  DeviceSessionService(Rental& rental, DeviceHub& hub, idempotency::Store& idempotency,
                       idempotency::TransactionFactory<Transaction> open_transaction,
                       rpc::WorkerPool& workers, std::size_t feed_capacity = kDefaultFeedCapacity)
      : rental_(rental),
        hub_(hub),
        idempotency_(idempotency),
        open_transaction_(std::move(open_transaction)),
        workers_(workers),
        feed_capacity_(feed_capacity) {}

  // Events a WatchDevices watcher may have waiting before it is ended as too slow.
  static constexpr std::size_t kDefaultFeedCapacity = 1024;

  grpc::ServerUnaryReactor* ListDevices(grpc::CallbackServerContext* context,
                                        const v1::ListDevicesRequest* request,
                                        v1::ListDevicesResponse* response) override;
  grpc::ServerUnaryReactor* GetDevice(grpc::CallbackServerContext* context,
                                      const v1::GetDeviceRequest* request,
                                      v1::GetDeviceResponse* response) override;
  grpc::ServerUnaryReactor* StartDevice(grpc::CallbackServerContext* context,
                                        const v1::StartDeviceRequest* request,
                                        v1::StartDeviceResponse* response) override;
  grpc::ServerUnaryReactor* StopDevice(grpc::CallbackServerContext* context,
                                       const v1::StopDeviceRequest* request,
                                       v1::StopDeviceResponse* response) override;
  grpc::ServerUnaryReactor* GetWallets(grpc::CallbackServerContext* context,
                                       const v1::GetWalletsRequest* request,
                                       v1::GetWalletsResponse* response) override;
  grpc::ServerUnaryReactor* SetCash(grpc::CallbackServerContext* context,
                                    const v1::SetCashRequest* request,
                                    v1::SetCashResponse* response) override;
  grpc::ServerUnaryReactor* ListLedger(grpc::CallbackServerContext* context,
                                       const v1::ListLedgerRequest* request,
                                       v1::ListLedgerResponse* response) override;
  grpc::ServerWriteReactor<v1::DeviceEvent>* WatchDevice(
      grpc::CallbackServerContext* context, const v1::WatchDeviceRequest* request) override;
  grpc::ServerWriteReactor<v1::DeviceFeedEvent>* WatchDevices(
      grpc::CallbackServerContext* context, const v1::WatchDevicesRequest* request) override;

 private:
  Rental& rental_;
  DeviceHub& hub_;
  idempotency::Store& idempotency_;
  idempotency::TransactionFactory<Transaction> open_transaction_;
  rpc::WorkerPool& workers_;
  const std::size_t feed_capacity_;
};

}  // namespace fleet::device_session
