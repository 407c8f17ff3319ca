#pragma once
// The rental rules: devices run for a paid duration, the wallet pays up front and gets the
// unused seconds back on stop, and a session ends by itself at its end_time. Throws
// fleet::DomainError with client-safe text:
//   INVALID_ARGUMENT    "Duration must be between 1 and 1440 minutes", "Invalid user id",
//                       "Cash must be a non-negative amount with at most two decimals",
//                       "Too many user ids" (over 10,000 in one GetWallets)
//   NOT_FOUND           "Device not found"
//   FAILED_PRECONDITION "Device is already running", "Insufficient funds",
//                       "Device is not running"
//   PERMISSION_DENIED   "Not enough permissions"
// Money: cost = hourly_cost × minutes / 60 and refund = hourly_cost × remaining seconds / 3600
// (remaining rounded up to whole seconds), both rounded half up to the cent.
#include <functional>
#include <mutex>
#include <string_view>

#include "domain/device_hub.h"
#include "domain/repository.h"

namespace fleet::device_session {

inline constexpr std::int64_t kMaxDurationMinutes = 1440;

// Devices 1–5 of the local run: three washers at 1.20/h, two dryers at 1.50/h.
std::vector<NewDevice> demo_devices();

class Rental {
 public:
  Rental(Repository& repository, const Clock& clock, DeviceHub& hub);

  std::vector<DeviceView> list_devices();
  DeviceView get_device(std::int64_t id);

  // Inside a transaction the caller owns (so that it can store an idempotent response in the
  // same one); the caller publishes outcome.events once it committed.
  StartOutcome start(Transaction& tx, const StartCommand& command);
  StopOutcome stop(Transaction& tx, const StopCommand& command);
  // The same in a transaction of their own, published after the commit.
  StartOutcome start(const StartCommand& command);
  StopOutcome stop(const StopCommand& command);

  // In the order asked, with versions; an account without a wallet has 0.00, version 0.
  std::vector<Wallet> wallets(const std::vector<std::int64_t>& user_ids);
  // An admin's adjustment: the difference goes to the ledger (nothing when it is zero) and the
  // new balance to the feed watchers after the commit.
  Wallet set_cash(std::int64_t user_id, std::string_view cash, std::int64_t actor_user_id);
  std::vector<LedgerEntry> ledger(std::int64_t user_id);

  // Closes every session past its end_time as expired (no refund) and frees its device, in one
  // transaction, then publishes. Returns how many.
  std::size_t expire_due();
  std::optional<TimePoint> next_end_time();

  // Device events and wallet changes, after their commit.
  void publish(const std::vector<DeviceEvent>& events, const std::vector<Wallet>& wallets = {});
  // Called after a start was published: the expiry sweeper's cue to look at its schedule again.
  void on_started(std::function<void()> listener);

  void ensure_demo_devices();
  TimePoint now() const { return clock_.now(); }

 private:
  Repository& repository_;
  const Clock& clock_;
  DeviceHub& hub_;
  std::mutex listener_mutex_;
  std::function<void()> on_started_;
};

}  // namespace fleet::device_session
