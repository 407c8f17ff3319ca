#pragma once
// Time comes from a Clock so that tests can set it (token expiry, session end times).
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace fleet {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point now() const override { return std::chrono::system_clock::now(); }
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(time_point start = time_point{std::chrono::seconds{1'700'000'000}})
      : now_(start.time_since_epoch().count()) {}
  time_point now() const override { return time_point{time_point::duration{now_.load()}}; }
  void set(time_point t) { now_ = t.time_since_epoch().count(); }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }

 private:
  std::atomic<time_point::rep> now_;
};

// The real clock shifted by a number of seconds read from a file, so that end-to-end tests can
// move time forward in every process at once (session expiry, refunds). The file is re-read at
// most every 100 ms; a missing or unreadable file means no shift.
class OffsetFileClock final : public Clock {
 public:
  explicit OffsetFileClock(std::string path) : path_(std::move(path)) {}
  time_point now() const override;

 private:
  std::string path_;
  mutable std::mutex mutex_;
  mutable std::chrono::steady_clock::time_point next_read_{};
  mutable std::chrono::microseconds offset_{0};
};

// SystemClock, or an OffsetFileClock when FLEETGATE_CLOCK_OFFSET_FILE is set (tests only).
std::unique_ptr<Clock> clock_from_env();

}  // namespace fleet
