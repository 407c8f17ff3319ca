#include "api/watch_reactor.h"

#include "api/watch_status.h"
#include "fleet/common/logging.h"

namespace fleet::device_session {

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
  Finish(device_watch_status(reason));
}

void WatchReactor::OnDone() {
  hub_.unsubscribe(device_id_, ticket_);
  // The last owner may be this very reference: release it as the final act.
  auto self = std::move(self_);
}

}  // namespace fleet::device_session
