#include "api/device_session_service.h"

#include "api/convert.h"
#include "api/feed_reactor.h"
#include "api/watch_reactor.h"
#include "fleet/common/error.h"
#include "fleet/common/logging.h"
#include "fleet/idempotency/unary.h"
#include "fleet/rpc/unary.h"

namespace fleet::device_session {

// What a start or stop publishes once its transaction committed.
struct Events {
  std::vector<DeviceEvent> devices;
  std::vector<Wallet> wallets;
};

grpc::ServerUnaryReactor* DeviceSessionService::ListDevices(grpc::CallbackServerContext* context,
                                                            const v1::ListDevicesRequest*,
                                                            v1::ListDevicesResponse* response) {
  return rpc::run_unary(context, workers_, [this, response] {
    for (const auto& device : rental_.list_devices()) to_proto(device, response->add_devices());
  });
}

grpc::ServerUnaryReactor* DeviceSessionService::GetDevice(grpc::CallbackServerContext* context,
                                                          const v1::GetDeviceRequest* request,
                                                          v1::GetDeviceResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(rental_.get_device(request->device_id()), response->mutable_device());
  });
}

grpc::ServerUnaryReactor* DeviceSessionService::StartDevice(grpc::CallbackServerContext* context,
                                                            const v1::StartDeviceRequest* request,
                                                            v1::StartDeviceResponse* response) {
  auto events = std::make_shared<Events>();
  return idempotency::run_unary(
      context, workers_, idempotency_, response, open_transaction_,
      [this, request, response, events](Transaction& tx) {
        auto outcome = rental_.start(
            tx, {request->device_id(), request->user_id(), request->duration_minutes()});
        to_proto(outcome.device, response->mutable_device());
        response->set_charged_amount(outcome.charged.str());
        to_proto(outcome.wallet, response->mutable_wallet());
        *events = {std::move(outcome.events), {outcome.wallet}};
      },
      [this, events] { rental_.publish(events->devices, events->wallets); });
}

grpc::ServerUnaryReactor* DeviceSessionService::StopDevice(grpc::CallbackServerContext* context,
                                                           const v1::StopDeviceRequest* request,
                                                           v1::StopDeviceResponse* response) {
  auto events = std::make_shared<Events>();
  return idempotency::run_unary(
      context, workers_, idempotency_, response, open_transaction_,
      [this, request, response, events](Transaction& tx) {
        auto outcome = rental_.stop(
            tx, {request->device_id(), request->actor_user_id(), request->actor_is_admin()});
        to_proto(outcome.device, response->mutable_device());
        response->set_refund_amount(outcome.refund.str());
        to_proto(outcome.wallet, response->mutable_wallet());
        *events = {std::move(outcome.events), {outcome.wallet}};
      },
      [this, events] { rental_.publish(events->devices, events->wallets); });
}

grpc::ServerUnaryReactor* DeviceSessionService::GetWallets(grpc::CallbackServerContext* context,
                                                           const v1::GetWalletsRequest* request,
                                                           v1::GetWalletsResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    const std::vector<std::int64_t> ids(request->user_ids().begin(), request->user_ids().end());
    for (const auto& wallet : rental_.wallets(ids)) to_proto(wallet, response->add_wallets());
  });
}

grpc::ServerUnaryReactor* DeviceSessionService::SetCash(grpc::CallbackServerContext* context,
                                                        const v1::SetCashRequest* request,
                                                        v1::SetCashResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(rental_.set_cash(request->user_id(), request->cash(), request->actor_user_id()),
             response->mutable_wallet());
  });
}

grpc::ServerUnaryReactor* DeviceSessionService::ListLedger(grpc::CallbackServerContext* context,
                                                           const v1::ListLedgerRequest* request,
                                                           v1::ListLedgerResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    for (const auto& entry : rental_.ledger(request->user_id())) {
      to_proto(entry, response->add_entries());
    }
  });
}

grpc::ServerWriteReactor<v1::DeviceEvent>* DeviceSessionService::WatchDevice(
    grpc::CallbackServerContext* context, const v1::WatchDeviceRequest* request) {
  const std::int64_t device_id = request->device_id();
  // Subscribed before the snapshot is read: nothing published in between is lost (it follows
  // the snapshot; every event carries the whole state, so a repeat is harmless).
  auto reactor = WatchReactor::open(hub_, device_id);
  workers_.post([this, reactor, device_id, id = rpc::request_id(*context)] {
    log::ScopedRequestId scope(id);
    try {
      reactor->begin({DeviceEvent::Kind::kSnapshot, rental_.get_device(device_id), 0});
    } catch (const DomainError&) {
      reactor->end(Watcher::End::kNotFound);
    } catch (const std::exception& e) {
      log::error("watch_snapshot_failed", {{"cause", e.what()}});
      reactor->end(Watcher::End::kFailed);
    }
  });
  return reactor.get();
}

}  // namespace fleet::device_session

namespace fleet::device_session {

grpc::ServerWriteReactor<v1::DeviceFeedEvent>* DeviceSessionService::WatchDevices(
    grpc::CallbackServerContext* context, const v1::WatchDevicesRequest*) {
  // Subscribed before the snapshot is read, as in WatchDevice: a change committed after the
  // read follows it; one that is in both carries the same version and the reader ignores it.
  auto reactor = FeedReactor::open(hub_, feed_capacity_);
  if (!reactor->subscribed()) return reactor.get();  // refused: no snapshot to read
  workers_.post([this, reactor, id = rpc::request_id(*context)] {
    log::ScopedRequestId scope(id);
    try {
      std::vector<FeedEvent> snapshot;
      for (auto& device : rental_.list_devices()) {
        snapshot.emplace_back(DeviceEvent{DeviceEvent::Kind::kSnapshot, std::move(device), 0});
      }
      snapshot.emplace_back(SnapshotEnd{});
      reactor->begin(std::move(snapshot));
    } catch (const std::exception& e) {
      log::error("feed_snapshot_failed", {{"cause", e.what()}});
      reactor->end(WatchEnd::kFailed);
    }
  });
  return reactor.get();
}

}  // namespace fleet::device_session
