#include "domain/account_hub.h"

#include <vector>

namespace fleet::user {

AccountHub::Ticket AccountHub::subscribe(std::weak_ptr<AccountWatcher> watcher) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_ticket_++;
  watchers_.emplace(ticket, std::move(watcher));
  return ticket;
}

void AccountHub::unsubscribe(Ticket ticket) {
  std::lock_guard lock(mutex_);
  watchers_.erase(ticket);
}

void AccountHub::publish(const AccountChange& change) {
  // Under the lock so that two publishers cannot interleave; a watcher only queues (and
  // perhaps starts one write), it never blocks.
  std::lock_guard lock(mutex_);
  for (auto it = watchers_.begin(); it != watchers_.end();) {
    if (auto watcher = it->second.lock()) {
      watcher->deliver(change);
      ++it;
    } else {
      it = watchers_.erase(it);
    }
  }
}

void AccountHub::end_all(WatchEnd reason) {
  std::vector<std::shared_ptr<AccountWatcher>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [ticket, weak] : watchers_) {
      if (auto watcher = weak.lock()) all.push_back(std::move(watcher));
    }
  }
  for (const auto& watcher : all) watcher->end(reason);
}

std::size_t AccountHub::watchers() const {
  std::lock_guard lock(mutex_);
  std::size_t live = 0;
  for (const auto& [ticket, weak] : watchers_) live += weak.expired() ? 0 : 1;
  return live;
}

}  // namespace fleet::user
