#include "domain/account_hub.h"

namespace fleet::user {

AccountHub::Ticket AccountHub::subscribe(std::weak_ptr<AccountWatcher> watcher) {
  std::lock_guard lock(mutex_);
  return watchers_.add(std::move(watcher));
}

void AccountHub::unsubscribe(Ticket ticket) {
  std::lock_guard lock(mutex_);
  watchers_.remove(ticket);
}

void AccountHub::publish(const AccountChange& change) {
  // Under the lock so that two publishers cannot interleave.
  std::lock_guard lock(mutex_);
  watchers_.deliver(change);
}

void AccountHub::end_all(WatchEnd reason) {
  std::vector<std::shared_ptr<AccountWatcher>> all;
  {
    std::lock_guard lock(mutex_);
    all = watchers_.live();
  }
  for (const auto& watcher : all) watcher->end(reason);
}

std::size_t AccountHub::watchers() const {
  std::lock_guard lock(mutex_);
  return watchers_.live_count();
}

}  // namespace fleet::user
