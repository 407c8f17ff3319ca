#include "api/watch_reactor.h"

#include "fleet/common/logging.h"

namespace fleet::device_session {
namespace {

grpc::Status status_of(Watcher::End reason) {
  using grpc::StatusCode;
  switch (reason) {
    case Watcher::End::kCancelled:
      return grpc::Status(StatusCode::CANCELLED, "Cancelled");
    case Watcher::End::kOverflow:
      return grpc::Status(StatusCode::RESOURCE_EXHAUSTED, "Watcher fell behind");
    case Watcher::End::kNotFound:
      return grpc::Status(StatusCode::NOT_FOUND, "Device not found");
    case Watcher::End::kShutdown:
      return grpc::Status(StatusCode::UNAVAILABLE, "Service shutting down");
    case Watcher::End::kFailed:
      break;
  }
  return grpc::Status(StatusCode::UNAVAILABLE, "Service unavailable");
}

}  // namespace

std::shared_ptr<WatchReactor> WatchReactor::open(DeviceHub& hub, std::int64_t device_id,
                                                 std::size_t capacity) {
  std::shared_ptr<WatchReactor> reactor(new WatchReactor(hub, device_id, capacity));
  reactor->self_ = reactor;
  reactor->ticket_ = hub.subscribe(device_id, reactor);
  return reactor;
}

void WatchReactor::start_write(const DeviceEvent& event) {
  to_proto(event, &message_);
  StartWrite(&message_);
}

void WatchReactor::finish(End reason) {
  if (reason == End::kOverflow) log::warn("watcher_overflow", {{"device_id", device_id_}});
  Finish(status_of(reason));
}

void WatchReactor::OnDone() {
  hub_.unsubscribe(device_id_, ticket_);
  // The last owner may be this very reference: release it as the final act.
  auto self = std::move(self_);
}

}  // namespace fleet::device_session
