#include "api/feed_reactor.h"

#include "api/watch_status.h"
#include "fleet/common/logging.h"

namespace fleet::device_session {

std::shared_ptr<FeedReactor> FeedReactor::open(DeviceHub& hub, std::size_t capacity) {
  std::shared_ptr<FeedReactor> reactor(new FeedReactor(hub, capacity));
  reactor->self_ = reactor;
  reactor->ticket_ = hub.subscribe_all(reactor);
  return reactor;
}

void FeedReactor::start_write(const FeedEvent& event) {
  to_proto(event, &message_);
  StartWrite(&message_);
}

void FeedReactor::finish(End reason) {
  if (reason == End::kOverflow) log::warn("feed_watcher_overflow");
  Finish(device_watch_status(reason));
}

void FeedReactor::OnDone() {
  hub_.unsubscribe_all(ticket_);
  // The last owner may be this very reference: release it as the final act.
  auto self = std::move(self_);
}

}  // namespace fleet::device_session
