#pragma once
// The watchers of one stream of events (StreamWatcher<Event>, stream_watcher.h), by ticket and
// held weakly: a watcher that is gone is skipped and forgotten. Not thread-safe: the hub that
// owns it locks around every call, which also keeps deliveries in publish order.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace fleet::changes {

template <typename Watcher>
class WatcherSet {
 public:
  using Ticket = std::uint64_t;

  Ticket add(std::weak_ptr<Watcher> watcher) {
    const Ticket ticket = next_ticket_.fetch_add(1);
    watchers_.emplace(ticket, std::move(watcher));
    return ticket;
  }
  void remove(Ticket ticket) { watchers_.erase(ticket); }
  bool empty() const { return watchers_.empty(); }

  // Hands `event` to every live watcher; a watcher only queues it, never blocks.
  template <typename Event>
  void deliver(const Event& event) {
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      if (auto watcher = it->second.lock()) {
        watcher->deliver(event);
        ++it;
      } else {
        it = watchers_.erase(it);
      }
    }
  }

  // The live watchers, e.g. to end them outside the owner's lock.
  std::vector<std::shared_ptr<Watcher>> live() const {
    std::vector<std::shared_ptr<Watcher>> all;
    for (const auto& [ticket, weak] : watchers_) {
      if (auto watcher = weak.lock()) all.push_back(std::move(watcher));
    }
    return all;
  }
  std::size_t live_count() const {
    std::size_t live = 0;
    for (const auto& [ticket, weak] : watchers_) live += weak.expired() ? 0 : 1;
    return live;
  }

 private:
  std::map<Ticket, std::weak_ptr<Watcher>> watchers_;
  // One counter for every set of a kind of watcher: a ticket stays unique when a set is dropped
  // and made again (device-session forgets a device nobody watches).
  static inline std::atomic<Ticket> next_ticket_{1};
};

}  // namespace fleet::changes
