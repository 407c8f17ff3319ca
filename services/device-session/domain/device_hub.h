#pragma once
// Live device changes for watchers (the WatchDevice stream). The service publishes each start,
// stop and expiry after its commit; the hub hands it to that device's watchers in order.
// Each watcher has a bounded queue: one that falls behind is ended, never buffered without limit.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "domain/model.h"

namespace fleet::device_session {

// One watcher's stream as a state machine, independent of gRPC: the snapshot first, then events
// in order, one write outstanding at a time, and exactly one finish. The gRPC reactor implements
// start_write and finish; tests implement them with a recorder.
class Watcher {
 public:
  enum class End { kCancelled, kOverflow, kNotFound, kShutdown, kFailed };
  static constexpr std::size_t kDefaultCapacity = 32;

  explicit Watcher(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  virtual ~Watcher() = default;
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // An event from the hub. Held back until begin(); more than `capacity` events waiting ends
  // the watcher with kOverflow.
  void deliver(const DeviceEvent& event);
  // The state when the watch began: written before anything delivered so far.
  void begin(const DeviceEvent& snapshot);
  // Ends the stream once the write in progress (if any) completes; idempotent.
  void end(End reason);
  // The transport completed the outstanding write; !ok means the stream is broken.
  void write_done(bool ok);

 protected:
  // Never more than one outstanding; `event` stays valid until write_done.
  virtual void start_write(const DeviceEvent& event) = 0;
  // Called exactly once, never while a write is outstanding.
  virtual void finish(End reason) = 0;

 private:
  // Starts the next write or the finish, outside the lock (unlocks it).
  void pump(std::unique_lock<std::mutex>& lock);

  const std::size_t capacity_;
  std::mutex mutex_;
  std::deque<DeviceEvent> queue_;
  std::optional<DeviceEvent> writing_;  // the event of the outstanding write
  std::optional<End> ending_;
  bool started_ = false;
  bool finished_ = false;
};

class DeviceHub {
 public:
  using Ticket = std::uint64_t;

  // Events published from now on reach `watcher` (held weakly: a watcher that is gone is
  // skipped and forgotten). Unsubscribe with the ticket.
  Ticket subscribe(std::int64_t device_id, std::weak_ptr<Watcher> watcher);
  void unsubscribe(std::int64_t device_id, Ticket ticket);
  // Delivers to the device's watchers, in publish order. An event whose sequence is not newer
  // than one already published for its device is stale (its publisher lost a race after commit)
  // and dropped: every event carries the device's whole state, so the newer one already told all.
  void publish(const DeviceEvent& event);
  // Ends every watcher, e.g. at shutdown.
  void end_all(Watcher::End reason);
  std::size_t watchers(std::int64_t device_id) const;

 private:
  struct Device {
    std::int64_t last_sequence = 0;
    std::map<Ticket, std::weak_ptr<Watcher>> watchers;
  };
  mutable std::mutex mutex_;
  std::map<std::int64_t, Device> devices_;
  Ticket next_ticket_ = 1;
};

}  // namespace fleet::device_session
