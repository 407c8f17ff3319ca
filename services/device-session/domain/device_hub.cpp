#include "domain/device_hub.h"

#include <vector>

namespace fleet::device_session {

DeviceHub::Ticket DeviceHub::subscribe(std::int64_t device_id, std::weak_ptr<Watcher> watcher) {
  std::lock_guard lock(mutex_);
  return devices_[device_id].watchers.add(std::move(watcher));
}

void DeviceHub::unsubscribe(std::int64_t device_id, Ticket ticket) {
  std::lock_guard lock(mutex_);
  const auto it = devices_.find(device_id);
  if (it == devices_.end()) return;
  it->second.watchers.remove(ticket);
  // Forget devices nobody watches and nothing was published for (e.g. unknown ids).
  if (it->second.watchers.empty() && it->second.last_sequence == 0) devices_.erase(it);
}

void DeviceHub::publish(const DeviceEvent& event) {
  // A stale event is not sent on either: the newer one already was, or came from elsewhere.
  Outbox* const outbox = outbox_.load();
  if (deliver(event) && outbox != nullptr) outbox->committed(event);
}

void DeviceHub::publish(const Wallet& wallet) {
  deliver(wallet);
  if (Outbox* const outbox = outbox_.load()) outbox->committed(wallet);
}

bool DeviceHub::deliver(const DeviceEvent& event) {
  // Delivery happens under the hub's lock so that two publishers cannot interleave; a watcher
  // only queues (and perhaps starts one write), it never blocks.
  std::lock_guard lock(mutex_);
  Device& device = devices_[event.device.record.id];
  if (event.sequence <= device.last_sequence) return false;
  device.last_sequence = event.sequence;
  device.watchers.deliver(event);
  feed_.deliver(FeedEvent{event});
  return true;
}

void DeviceHub::deliver(const Wallet& wallet) {
  std::lock_guard lock(mutex_);
  feed_.deliver(FeedEvent{wallet});
}

DeviceHub::Ticket DeviceHub::subscribe_all(std::weak_ptr<FeedWatcher> watcher) {
  std::unique_lock lock(mutex_);
  if (complete_) return feed_.add(std::move(watcher));
  lock.unlock();
  if (auto live = watcher.lock()) live->end(FeedWatcher::End::kFailed);
  return 0;
}

void DeviceHub::set_complete(bool complete) {
  std::vector<std::shared_ptr<FeedWatcher>> feed;
  {
    std::lock_guard lock(mutex_);
    complete_ = complete;
    if (!complete) feed = feed_.live();
  }
  for (auto& watcher : feed) watcher->end(FeedWatcher::End::kFailed);
}

bool DeviceHub::complete() const {
  std::lock_guard lock(mutex_);
  return complete_;
}

void DeviceHub::unsubscribe_all(Ticket ticket) {
  std::lock_guard lock(mutex_);
  feed_.remove(ticket);
}

std::size_t DeviceHub::feed_watchers() const {
  std::lock_guard lock(mutex_);
  return feed_.live_count();
}

void DeviceHub::end_all(Watcher::End reason) {
  std::vector<std::shared_ptr<Watcher>> all;
  std::vector<std::shared_ptr<FeedWatcher>> feed;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, device] : devices_) {
      for (auto& watcher : device.watchers.live()) all.push_back(std::move(watcher));
    }
    feed = feed_.live();
  }
  for (auto& watcher : all) watcher->end(reason);
  for (auto& watcher : feed) watcher->end(reason);
}

std::size_t DeviceHub::watchers(std::int64_t device_id) const {
  std::lock_guard lock(mutex_);
  const auto it = devices_.find(device_id);
  if (it == devices_.end()) return 0;
  return it->second.watchers.live_count();
}

}  // namespace fleet::device_session
