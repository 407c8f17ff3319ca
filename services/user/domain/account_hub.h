#pragma once
// Live account changes for WatchAccounts watchers. Users publishes each creation, change and
// deletion after its commit; the hub hands it to every watcher in publish order. Each watcher
// has a bounded queue: one that falls behind is ended (it starts over with a new snapshot),
// never buffered without limit. Two commits of one account may publish in either order; their
// versions tell the reader which is newer.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>

#include "domain/account.h"
#include "fleet/changes/stream_watcher.h"
#include "fleet/changes/watcher_set.h"

namespace fleet::user {

using changes::StreamWatcher;
using changes::WatchEnd;

struct AccountChange {
  enum class Kind { kSnapshot, kReady, kChanged, kDeleted };
  Kind kind = Kind::kChanged;
  Account account;  // kDeleted: id and version only; kReady: nothing
};

using AccountWatcher = StreamWatcher<AccountChange>;

// Where the hub hands what this replica committed, for the service's other replicas (their
// hubs apply it: bus/replication.h). Called after local delivery, outside the hub's lock.
class AccountOutbox {
 public:
  virtual ~AccountOutbox() = default;
  virtual void committed(const AccountChange& change) = 0;
};

class AccountHub {
 public:
  using Ticket = std::uint64_t;

  // Set once, before anything is published; null (the default): a single replica.
  void set_outbox(AccountOutbox* outbox) { outbox_ = outbox; }

  // Changes published from now on reach `watcher` (held weakly: one that is gone is skipped
  // and forgotten). While the hub is incomplete the watcher is ended at once (kFailed): its
  // reader caches the accounts, and would keep what another replica changed unseen.
  Ticket subscribe(std::weak_ptr<AccountWatcher> watcher);
  void unsubscribe(Ticket ticket);
  void publish(const AccountChange& change);
  // A change another replica committed: delivered here, not sent on.
  void apply_remote(const AccountChange& change);
  // Whether the hub gets every replica's changes; true for a single replica. Turning
  // incomplete ends the watchers.
  void set_complete(bool complete);
  bool complete() const;
  // Ends every watcher, e.g. at shutdown.
  void end_all(WatchEnd reason);
  std::size_t watchers() const;

 private:
  mutable std::mutex mutex_;
  changes::WatcherSet<AccountWatcher> watchers_;
  std::atomic<AccountOutbox*> outbox_{nullptr};
  bool complete_ = true;
};

}  // namespace fleet::user
