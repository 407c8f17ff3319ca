#include "domain/device_hub.h"

#include <vector>

namespace fleet::device_session {
namespace {

// Hands `event` to every live watcher of `watchers`, forgetting those that are gone.
template <typename W, typename Event>
void deliver_all(std::map<DeviceHub::Ticket, std::weak_ptr<W>>& watchers, const Event& event) {
  for (auto it = watchers.begin(); it != watchers.end();) {
    if (auto watcher = it->second.lock()) {
      watcher->deliver(event);
      ++it;
    } else {
      it = watchers.erase(it);
    }
  }
}

}  // namespace

DeviceHub::Ticket DeviceHub::subscribe(std::int64_t device_id, std::weak_ptr<Watcher> watcher) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_ticket_++;
  devices_[device_id].watchers.emplace(ticket, std::move(watcher));
  return ticket;
}

void DeviceHub::unsubscribe(std::int64_t device_id, Ticket ticket) {
  std::lock_guard lock(mutex_);
  const auto it = devices_.find(device_id);
  if (it == devices_.end()) return;
  it->second.watchers.erase(ticket);
  // Forget devices nobody watches and nothing was published for (e.g. unknown ids).
  if (it->second.watchers.empty() && it->second.last_sequence == 0) devices_.erase(it);
}

void DeviceHub::publish(const DeviceEvent& event) {
  // Delivery happens under the hub's lock so that two publishers cannot interleave; a watcher
  // only queues (and perhaps starts one write), it never blocks.
  std::lock_guard lock(mutex_);
  Device& device = devices_[event.device.record.id];
  if (event.sequence <= device.last_sequence) return;
  device.last_sequence = event.sequence;
  deliver_all(device.watchers, event);
  deliver_all(feed_, FeedEvent{event});
}

void DeviceHub::publish(const Wallet& wallet) {
  std::lock_guard lock(mutex_);
  deliver_all(feed_, FeedEvent{wallet});
}

DeviceHub::Ticket DeviceHub::subscribe_all(std::weak_ptr<FeedWatcher> watcher) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_ticket_++;
  feed_.emplace(ticket, std::move(watcher));
  return ticket;
}

void DeviceHub::unsubscribe_all(Ticket ticket) {
  std::lock_guard lock(mutex_);
  feed_.erase(ticket);
}

std::size_t DeviceHub::feed_watchers() const {
  std::lock_guard lock(mutex_);
  std::size_t live = 0;
  for (const auto& [ticket, weak] : feed_) live += weak.expired() ? 0 : 1;
  return live;
}

void DeviceHub::end_all(Watcher::End reason) {
  std::vector<std::shared_ptr<Watcher>> all;
  std::vector<std::shared_ptr<FeedWatcher>> feed;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, device] : devices_) {
      for (auto& [ticket, weak] : device.watchers) {
        if (auto watcher = weak.lock()) all.push_back(std::move(watcher));
      }
    }
    for (auto& [ticket, weak] : feed_) {
      if (auto watcher = weak.lock()) feed.push_back(std::move(watcher));
    }
  }
  for (auto& watcher : all) watcher->end(reason);
  for (auto& watcher : feed) watcher->end(reason);
}

std::size_t DeviceHub::watchers(std::int64_t device_id) const {
  std::lock_guard lock(mutex_);
  const auto it = devices_.find(device_id);
  if (it == devices_.end()) return 0;
  std::size_t live = 0;
  for (const auto& [ticket, weak] : it->second.watchers) live += weak.expired() ? 0 : 1;
  return live;
}

}  // namespace fleet::device_session
