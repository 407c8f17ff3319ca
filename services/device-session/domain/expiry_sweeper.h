#pragma once
// Ends sessions at their end_time: a background thread that sleeps until the earliest end_time,
// is woken when a start may have moved it earlier, and catches up at once after a restart.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "domain/rental.h"

namespace fleet::device_session {

class ExpirySweeper {
 public:
  // max_sleep bounds each sleep: a clock that can jump (OffsetFileClock in end-to-end tests)
  // needs short polls; the wall clock only needs a guard against drift.
  ExpirySweeper(Rental& rental, const Clock& clock, std::chrono::milliseconds max_sleep);
  ~ExpirySweeper();  // stop()
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  void start();
  void stop();
  // Look at the schedule again now.
  void wake();

 private:
  void run();
  // One pass: expire what is due; returns how long to sleep.
  std::chrono::milliseconds sweep();

  Rental& rental_;
  const Clock& clock_;
  const std::chrono::milliseconds max_sleep_;
  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace fleet::device_session
