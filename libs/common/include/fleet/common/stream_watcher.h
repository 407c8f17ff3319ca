#pragma once
// One watcher's stream as a state machine, independent of gRPC: the snapshot first, then events
// in order, one write outstanding at a time, and exactly one finish. The gRPC reactors implement
// start_write and finish; tests implement them with a recorder. Used for device-session's
// WatchDevice and WatchDevices and the user service's WatchAccounts.
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace fleet {

// Why a stream ended; the same for every kind of watcher.
enum class WatchEnd { kCancelled, kOverflow, kNotFound, kShutdown, kFailed };

template <typename Event>
class StreamWatcher {
 public:
  using End = WatchEnd;
  static constexpr std::size_t kDefaultCapacity = 32;

  explicit StreamWatcher(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  virtual ~StreamWatcher() = default;
  StreamWatcher(const StreamWatcher&) = delete;
  StreamWatcher& operator=(const StreamWatcher&) = delete;

  // An event from the hub. Held back until begin(); more than `capacity` events waiting ends
  // the watcher with kOverflow (the caller then knows it missed something and starts over).
  void deliver(const Event& event) {
    std::unique_lock lock(mutex_);
    if (finished_ || ending_) return;
    if (queue_.size() >= capacity_) {
      ending_ = End::kOverflow;
      queue_.clear();
      snapshot_.clear();
    } else {
      queue_.push_back(event);
    }
    pump(lock);
  }
  // The state when the watch began: written before anything delivered so far. Its events do
  // not count against the capacity (a snapshot of many devices is not an overflow).
  void begin(std::vector<Event> snapshot) {
    std::unique_lock lock(mutex_);
    if (started_ || finished_ || ending_) return;
    snapshot_.assign(std::make_move_iterator(snapshot.begin()),
                     std::make_move_iterator(snapshot.end()));
    started_ = true;
    pump(lock);
  }
  void begin(const Event& snapshot) { begin(std::vector<Event>{snapshot}); }
  // Ends the stream once the write in progress (if any) completes; idempotent.
  void end(End reason) {
    std::unique_lock lock(mutex_);
    if (finished_ || ending_) return;
    ending_ = reason;
    queue_.clear();
    snapshot_.clear();
    pump(lock);
  }
  // The transport completed the outstanding write; !ok means the stream is broken.
  void write_done(bool ok) {
    std::unique_lock lock(mutex_);
    writing_.reset();
    if (!ok && !ending_) ending_ = End::kCancelled;
    pump(lock);
  }

 protected:
  // Never more than one outstanding; `event` stays valid until write_done.
  virtual void start_write(const Event& event) = 0;
  // Called exactly once, never while a write is outstanding.
  virtual void finish(End reason) = 0;

 private:
  // Starts the next write or the finish, outside the lock (unlocks it).
  void pump(std::unique_lock<std::mutex>& lock) {
    if (finished_ || writing_) return;
    if (ending_) {
      finished_ = true;
      const End reason = *ending_;
      lock.unlock();
      finish(reason);
      return;
    }
    if (!started_) return;
    auto& source = snapshot_.empty() ? queue_ : snapshot_;
    if (source.empty()) return;
    writing_ = std::move(source.front());
    source.pop_front();
    // writing_ is left alone until write_done, which cannot come before start_write is called.
    const Event& event = *writing_;
    lock.unlock();
    start_write(event);
  }

  const std::size_t capacity_;
  std::mutex mutex_;
  std::deque<Event> snapshot_;
  std::deque<Event> queue_;
  std::optional<Event> writing_;  // the event of the outstanding write
  std::optional<End> ending_;
  bool started_ = false;
  bool finished_ = false;
};

}  // namespace fleet
