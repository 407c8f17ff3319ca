#include "domain/device_hub.h"

#include <vector>

namespace fleet::device_session {

void Watcher::deliver(const DeviceEvent& event) {
  std::unique_lock lock(mutex_);
  if (finished_ || ending_) return;
  if (queue_.size() >= capacity_) {
    ending_ = End::kOverflow;
    queue_.clear();
  } else {
    queue_.push_back(event);
  }
  pump(lock);
}

void Watcher::begin(const DeviceEvent& snapshot) {
  std::unique_lock lock(mutex_);
  if (started_ || finished_ || ending_) return;
  queue_.push_front(snapshot);
  started_ = true;
  pump(lock);
}

void Watcher::end(End reason) {
  std::unique_lock lock(mutex_);
  if (finished_ || ending_) return;
  ending_ = reason;
  queue_.clear();
  pump(lock);
}

void Watcher::write_done(bool ok) {
  std::unique_lock lock(mutex_);
  writing_.reset();
  if (!ok && !ending_) ending_ = End::kCancelled;
  pump(lock);
}

void Watcher::pump(std::unique_lock<std::mutex>& lock) {
  if (finished_ || writing_) return;
  if (ending_) {
    finished_ = true;
    const End reason = *ending_;
    lock.unlock();
    finish(reason);
    return;
  }
  if (!started_ || queue_.empty()) return;
  writing_ = std::move(queue_.front());
  queue_.pop_front();
  // writing_ is left alone until write_done, which cannot come before start_write is called.
  const DeviceEvent& event = *writing_;
  lock.unlock();
  start_write(event);
}

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
  for (auto it = device.watchers.begin(); it != device.watchers.end();) {
    if (auto watcher = it->second.lock()) {
      watcher->deliver(event);
      ++it;
    } else {
      it = device.watchers.erase(it);
    }
  }
}

void DeviceHub::end_all(Watcher::End reason) {
  std::vector<std::shared_ptr<Watcher>> all;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, device] : devices_) {
      for (auto& [ticket, weak] : device.watchers) {
        if (auto watcher = weak.lock()) all.push_back(std::move(watcher));
      }
    }
  }
  for (auto& watcher : all) watcher->end(reason);
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
