#include "fleet/changes/publisher.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace fleet::changes {

std::int64_t wall_clock_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Publisher::Publisher(WallClock now) : now_(std::move(now)), version_(now_()) {}

std::int64_t Publisher::publish(std::string_view topic) {
  std::lock_guard lock(mutex_);
  version_ = std::max(version_ + 1, now_());
  const Change change{std::string(topic), version_};
  // Delivered under the lock, so every watcher sees the changes in version order.
  watchers_.deliver(change);
  return version_;
}

std::int64_t Publisher::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

Publisher::Ticket Publisher::subscribe(const std::shared_ptr<ChangeWatcher>& watcher) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = watchers_.add(watcher);
  // Under the lock: no change can fall between the current version and the first delivery.
  watcher->begin(Change{{}, version_});
  return ticket;
}

void Publisher::unsubscribe(Ticket ticket) {
  std::lock_guard lock(mutex_);
  watchers_.remove(ticket);
}

void Publisher::end_all(WatchEnd reason) {
  std::vector<std::shared_ptr<ChangeWatcher>> all;
  {
    std::lock_guard lock(mutex_);
    all = watchers_.live();
  }
  for (const auto& watcher : all) watcher->end(reason);
}

std::size_t Publisher::watchers() const {
  std::lock_guard lock(mutex_);
  return watchers_.live_count();
}

}  // namespace fleet::changes
