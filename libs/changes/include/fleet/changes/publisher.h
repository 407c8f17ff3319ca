#pragma once
// A service's change feed, on the publishing side: after every committed write that changes what
// a read returns, the service publishes the topic (the collection, e.g. "orders") it changed, and
// every watcher (a ChangeFeed.Watch stream, fleet/changes/feed.h) gets it in order. The gateway
// keeps that service's responses in memory only while it hears these.
//
// Versions are one counter per process: each change takes max(previous + 1, wall clock in µs),
// so they increase across topics and across restarts (a restarted service starts above every
// version its previous run gave, unless the clock went back by more than the restart took).
// Each watcher has a bounded queue; one that falls behind is ended (kOverflow), never buffered.
// No protobuf here: the write paths that publish need none.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "fleet/changes/stream_watcher.h"
#include "fleet/changes/watcher_set.h"

namespace fleet::changes {

struct Change {
  std::string topic;  // empty: the first event of a watch, the current version
  std::int64_t version = 0;
};
using ChangeWatcher = StreamWatcher<Change>;

// Microseconds since the Unix epoch (system clock).
std::int64_t wall_clock_micros();

class Publisher {
 public:
  using Ticket = std::uint64_t;
  using WallClock = std::function<std::int64_t()>;  // microseconds since the epoch

  explicit Publisher(WallClock now = wall_clock_micros);

  // Marks `topic` changed (call after the commit) and returns its new version.
  std::int64_t publish(std::string_view topic);
  std::int64_t version() const;

  // The watcher starts with the current version, then gets every change published from now on
  // (held weakly: one that is gone is skipped and forgotten).
  Ticket subscribe(const std::shared_ptr<ChangeWatcher>& watcher);
  void unsubscribe(Ticket ticket);
  // Ends every watcher, e.g. at shutdown.
  void end_all(WatchEnd reason);
  std::size_t watchers() const;

 private:
  const WallClock now_;
  mutable std::mutex mutex_;
  std::int64_t version_;
  WatcherSet<ChangeWatcher> watchers_;
};

}  // namespace fleet::changes
