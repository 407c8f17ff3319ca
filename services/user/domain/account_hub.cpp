#include "domain/account_hub.h"

namespace fleet::user {

AccountHub::Ticket AccountHub::subscribe(std::weak_ptr<AccountWatcher> watcher) {
  std::unique_lock lock(mutex_);
  if (complete_) return watchers_.add(std::move(watcher));
  lock.unlock();
  if (auto live = watcher.lock()) live->end(WatchEnd::kFailed);
  return 0;
}

void AccountHub::unsubscribe(Ticket ticket) {
  std::lock_guard lock(mutex_);
  watchers_.remove(ticket);
}

void AccountHub::publish(const AccountChange& change) {
  apply_remote(change);
  if (AccountOutbox* const outbox = outbox_.load()) outbox->committed(change);
}

void AccountHub::apply_remote(const AccountChange& change) {
  // Under the lock so that two publishers cannot interleave.
  std::lock_guard lock(mutex_);
  watchers_.deliver(change);
}

void AccountHub::set_complete(bool complete) {
  {
    std::lock_guard lock(mutex_);
    complete_ = complete;
  }
  if (!complete) end_all(WatchEnd::kFailed);
}

bool AccountHub::complete() const {
  std::lock_guard lock(mutex_);
  return complete_;
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
