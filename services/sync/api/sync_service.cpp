#include "api/sync_service.h"

#include "api/convert.h"
#include "fleet/changes/feed.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/unary.h"

namespace fleet::sync {

grpc::ServerUnaryReactor* SyncService::ListDevices(grpc::CallbackServerContext* context,
                                                   const v1::ListDevicesRequest*,
                                                   v1::ListDevicesResponse* response) {
  return rpc::run_unary(context, workers_, [this, response] {
    for (const auto& device : sync_.list_devices()) to_proto(device, response->add_devices());
  });
}

grpc::ServerUnaryReactor* SyncService::SyncDevice(grpc::CallbackServerContext* context,
                                                  const v1::SyncDeviceRequest* request,
                                                  v1::SyncDeviceResponse* response) {
  return rpc::run_unary(context, workers_, [this, context, request, response] {
    const auto result = sync_.sync(
        request->device_id(),
        rpc::optional_field(request->has_actor_user_id(), request->actor_user_id()));
    to_proto(result.device, response->mutable_device());
    to_proto(result.attempt, response->mutable_attempt());
    log::debug("sync_attempt", {{"device_id", result.attempt.device_id},
                               {"status_code", result.attempt.status_code},
                               {"attempt_id", result.attempt.id}});
    // The attempt has committed (Sync::sync runs its own transaction).
    changes::publish_committed(*context, changes_, "devices");
  });
}

grpc::ServerUnaryReactor* SyncService::ListAttempts(grpc::CallbackServerContext* context,
                                                    const v1::ListAttemptsRequest* request,
                                                    v1::ListAttemptsResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    for (const auto& attempt : sync_.attempts(request->device_id(), request->limit())) {
      to_proto(attempt, response->add_attempts());
    }
  });
}

}  // namespace fleet::sync
