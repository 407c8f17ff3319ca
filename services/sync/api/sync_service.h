#pragma once
// The gRPC face of sync: decodes requests, calls the domain on the worker pool, encodes
// responses. A failed sync attempt is a successful call whose response carries the outcome; only
// an unknown device (NOT_FOUND) and infrastructure failures are gRPC errors. Every attempt changes
// its device: it publishes "devices" on the change feed after its commit. No rules live here.
#include "domain/sync.h"
#include "fleet/changes/publisher.h"
#include "fleet/rpc/server.h"
#include "sync/v1/sync.grpc.pb.h"

namespace fleet::sync {

namespace v1 = fleetgate::sync::v1;

class SyncService final : public v1::SyncService::CallbackService {
 public:
  SyncService(Sync& sync, rpc::WorkerPool& workers, changes::Publisher& changes)
      : sync_(sync), workers_(workers), changes_(changes) {}

  grpc::ServerUnaryReactor* ListDevices(grpc::CallbackServerContext* context,
                                        const v1::ListDevicesRequest* request,
                                        v1::ListDevicesResponse* response) override;
  grpc::ServerUnaryReactor* SyncDevice(grpc::CallbackServerContext* context,
                                       const v1::SyncDeviceRequest* request,
                                       v1::SyncDeviceResponse* response) override;
  grpc::ServerUnaryReactor* ListAttempts(grpc::CallbackServerContext* context,
                                         const v1::ListAttemptsRequest* request,
                                         v1::ListAttemptsResponse* response) override;

 private:
  Sync& sync_;
  rpc::WorkerPool& workers_;
  changes::Publisher& changes_;
};

}  // namespace fleet::sync
