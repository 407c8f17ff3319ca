#include "domain/expiry_sweeper.h"

#include <algorithm>

#include "fleet/common/logging.h"

namespace fleet::device_session {
namespace {

constexpr std::chrono::milliseconds kMinSleep{5};
constexpr std::chrono::milliseconds kRetryAfterError{1000};

}  // namespace

ExpirySweeper::ExpirySweeper(Rental& rental, const Clock& clock,
                             std::chrono::milliseconds max_sleep)
    : rental_(rental), clock_(clock), max_sleep_(max_sleep) {}

ExpirySweeper::~ExpirySweeper() { stop(); }

void ExpirySweeper::start() {
  rental_.on_started([this] { wake(); });
  thread_ = std::thread([this] { run(); });
}

void ExpirySweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  if (thread_.joinable()) thread_.join();
  rental_.on_started({});
}

void ExpirySweeper::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wakeup_.notify_all();
}

std::chrono::milliseconds ExpirySweeper::sweep() {
  using namespace std::chrono;
  try {
    if (const auto expired = rental_.expire_due(); expired > 0) {
      log::info("sessions_expired", {{"count", static_cast<std::int64_t>(expired)}});
    }
    const auto next = rental_.next_end_time();
    if (!next) return max_sleep_;
    // Just past the end_time, so that the next pass finds it due.
    const auto until = ceil<milliseconds>(*next - clock_.now()) + milliseconds(1);
    return std::clamp(until, kMinSleep, max_sleep_);
  } catch (const std::exception& e) {
    log::error("expiry_sweep_failed", {{"cause", e.what()}});
    return std::min(kRetryAfterError, max_sleep_);
  }
}

void ExpirySweeper::run() {
  for (;;) {
    const auto sleep = sweep();
    std::unique_lock lock(mutex_);
    wakeup_.wait_for(lock, sleep, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
  }
}

}  // namespace fleet::device_session
