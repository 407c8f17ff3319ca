#pragma once
// Live account changes for WatchAccounts watchers. Users publishes each creation, change and
// deletion after its commit; the hub hands it to every watcher in publish order. Each watcher
// has a bounded queue: one that falls behind is ended (it starts over with a new snapshot),
// never buffered without limit. Two commits of one account may publish in either order; their
// versions tell the reader which is newer.
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

class AccountHub {
 public:
  using Ticket = std::uint64_t;

  // Changes published from now on reach `watcher` (held weakly: one that is gone is skipped
  // and forgotten).
  Ticket subscribe(std::weak_ptr<AccountWatcher> watcher);
  void unsubscribe(Ticket ticket);
  void publish(const AccountChange& change);
  // Ends every watcher, e.g. at shutdown.
  void end_all(WatchEnd reason);
  std::size_t watchers() const;

 private:
  mutable std::mutex mutex_;
  changes::WatcherSet<AccountWatcher> watchers_;
};

}  // namespace fleet::user
