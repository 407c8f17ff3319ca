#pragma once
// A change watcher for tests: records every change it is given (the first is the current
// version) and completes each write at once. `on_change` runs for each, on the publishing
// thread, e.g. to read what the change made visible.
#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "fleet/changes/publisher.h"

namespace fleet::changes::testing {

class Recorder final : public ChangeWatcher {
 public:
  explicit Recorder(std::size_t capacity = kDefaultCapacity,
                    std::function<void(const Change&)> on_change = {})
      : ChangeWatcher(capacity), on_change_(std::move(on_change)) {}

  std::vector<Change> changes() const {
    std::lock_guard lock(mutex_);
    return changes_;
  }
  std::optional<End> ended() const {
    std::lock_guard lock(mutex_);
    return ended_;
  }
  // Writes stay outstanding (a slow client) until release().
  void hold() { held_ = true; }

 protected:
  void start_write(const Change& change) override {
    if (on_change_) on_change_(change);
    {
      std::lock_guard lock(mutex_);
      changes_.push_back(change);
    }
    if (!held_) write_done(true);
  }
  void finish(End reason) override {
    std::lock_guard lock(mutex_);
    ended_ = reason;
  }

 private:
  const std::function<void(const Change&)> on_change_;
  mutable std::mutex mutex_;
  std::vector<Change> changes_;
  std::optional<End> ended_;
  std::atomic<bool> held_{false};
};

}  // namespace fleet::changes::testing
