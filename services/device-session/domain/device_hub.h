#pragma once
// Live device changes for watchers (the WatchDevice and WatchDevices streams). The service
// publishes each start, stop, expiry and wallet change after its commit; the hub hands it to
// that device's watchers and to every feed watcher, in order.
// Each watcher has a bounded queue: one that falls behind is ended, never buffered without limit.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "domain/model.h"
#include "domain/watcher.h"
#include "fleet/changes/watcher_set.h"

namespace fleet::device_session {

// A WatchDevice stream (one device) and a WatchDevices stream (the feed of all devices and
// wallets), as state machines (domain/watcher.h).
using Watcher = StreamWatcher<DeviceEvent>;
using FeedWatcher = StreamWatcher<FeedEvent>;

// Where the hub hands what this replica committed, for the service's other replicas (their
// hubs apply it: bus/replication.h). Called after local delivery, outside the hub's lock.
class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual void committed(const DeviceEvent& event) = 0;
  virtual void committed(const Wallet& wallet) = 0;
};

class DeviceHub {
 public:
  using Ticket = std::uint64_t;

  // Set once, before anything is published; null (the default): a single replica.
  void set_outbox(Outbox* outbox) { outbox_ = outbox; }

  // Events published from now on reach `watcher` (held weakly: a watcher that is gone is
  // skipped and forgotten). Unsubscribe with the ticket.
  Ticket subscribe(std::int64_t device_id, std::weak_ptr<Watcher> watcher);
  void unsubscribe(std::int64_t device_id, Ticket ticket);
  // Delivers to the device's watchers, in publish order. An event whose sequence is not newer
  // than one already published for its device is stale (its publisher lost a race after commit)
  // and dropped: every event carries the device's whole state, so the newer one already told all.
  // Feed watchers get the event too.
  void publish(const DeviceEvent& event);
  // A wallet's balance after a committed change, for the feed watchers.
  void publish(const Wallet& wallet);
  // The same for a change another replica committed: delivered here, not sent on.
  void apply_remote(const DeviceEvent& event) { deliver(event); }
  void apply_remote(const Wallet& wallet) { deliver(wallet); }

  // Every device event and wallet change published from now on reaches `watcher` (held
  // weakly, as above). While the hub is incomplete the watcher is ended at once (kFailed):
  // its reader caches the feed, and would cache what another replica changed unseen.
  Ticket subscribe_all(std::weak_ptr<FeedWatcher> watcher);
  void unsubscribe_all(Ticket ticket);
  std::size_t feed_watchers() const;

  // Whether the hub gets every replica's changes (bus/replication.h); true for a single
  // replica. Turning incomplete ends the feed watchers.
  void set_complete(bool complete);
  bool complete() const;

  // Ends every watcher (feed watchers too), e.g. at shutdown.
  void end_all(Watcher::End reason);
  std::size_t watchers(std::int64_t device_id) const;

 private:
  // True when the event was newer than what the device's watchers had.
  bool deliver(const DeviceEvent& event);
  void deliver(const Wallet& wallet);

  struct Device {
    std::int64_t last_sequence = 0;
    changes::WatcherSet<Watcher> watchers;
  };
  mutable std::mutex mutex_;
  std::map<std::int64_t, Device> devices_;
  changes::WatcherSet<FeedWatcher> feed_;
  std::atomic<Outbox*> outbox_{nullptr};
  bool complete_ = true;
};

}  // namespace fleet::device_session
