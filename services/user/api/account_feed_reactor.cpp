#include "api/account_feed_reactor.h"

#include "api/convert.h"
#include "fleet/common/logging.h"
#include "fleet/changes/watch_status.h"

namespace fleet::user {

std::shared_ptr<AccountFeedReactor> AccountFeedReactor::open(AccountHub& hub,
                                                             std::size_t capacity) {
  std::shared_ptr<AccountFeedReactor> reactor(new AccountFeedReactor(hub, capacity));
  reactor->self_ = reactor;
  reactor->ticket_ = hub.subscribe(reactor);
  return reactor;
}

void AccountFeedReactor::start_write(const AccountChange& change) {
  to_proto(change, &message_);
  StartWrite(&message_);
}

void AccountFeedReactor::finish(End reason) {
  if (reason == End::kOverflow) log::warn("account_watcher_overflow");
  Finish(changes::watch_status(reason));
}

void AccountFeedReactor::OnDone() {
  hub_.unsubscribe(ticket_);
  // The last owner may be this very reference: release it as the final act.
  auto self = std::move(self_);
}

}  // namespace fleet::user
