#pragma once
// The device-session service's values: devices and their sessions, wallets, ledger entries,
// and the events watchers receive.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fleet/common/money.h"
#include "fleet/common/clock.h"

namespace fleet::device_session {

using TimePoint = Clock::time_point;

// A devices row (with its current session's charge). The session may already be past its
// end_time: the sweeper has not closed it yet.
struct DeviceRecord {
  std::int64_t id = 0;
  std::string name;
  std::string type;
  Money hourly_cost;
  std::optional<std::int64_t> user_id;
  std::optional<TimePoint> end_time;
  std::optional<std::int64_t> session_id;
  std::optional<Money> charged;
  // Incremented by every change of the device (start, stop, expiry), in commit order.
  std::int64_t version = 0;

  bool has_session() const { return session_id.has_value(); }
  // True while the session has time left at `now`.
  bool running_at(TimePoint now) const {
    return session_id.has_value() && end_time.has_value() && *end_time > now;
  }
};

// A device as a client sees it at `as_of`: a session past its end_time counts as over, even
// before the sweeper closed it.
struct DeviceView {
  DeviceRecord record;
  TimePoint as_of;

  bool running() const { return record.running_at(as_of); }
  // Seconds left at as_of, with fractions; 0 when idle.
  double time_left() const {
    if (!running()) return 0;
    return std::chrono::duration<double>(*record.end_time - as_of).count();
  }
};

struct NewDevice {
  std::int64_t id;
  std::string name;
  std::string type;
  Money hourly_cost;
};

enum class EndReason { kStopped, kExpired };

struct NewSession {
  std::int64_t device_id;
  std::int64_t user_id;
  TimePoint started_at;
  TimePoint end_time;
  Money charged;
};

struct Wallet {
  std::int64_t user_id = 0;
  Money cash;
  // The id of its latest ledger entry, 0 while it has none: ledger ids grow, and a wallet's
  // entries are written under its row lock, so a larger version is a later balance.
  std::int64_t version = 0;
};

enum class LedgerKind { kCharge, kRefund, kAdjustment };

// The name stored in the ledger table and sent to clients.
constexpr std::string_view to_string(LedgerKind kind) {
  switch (kind) {
    case LedgerKind::kCharge:
      return "charge";
    case LedgerKind::kRefund:
      return "refund";
    case LedgerKind::kAdjustment:
      break;
  }
  return "adjustment";
}

struct LedgerEntry {
  std::int64_t id = 0;  // 0 until stored
  std::int64_t user_id;
  LedgerKind kind;
  Money amount;  // signed: a charge is negative
  Money balance_after;
  std::optional<std::int64_t> device_id;
  std::optional<std::int64_t> session_id;
  std::optional<std::int64_t> actor_user_id;
  TimePoint created_at;
};

// A change of one device, for its watchers. Within a device, `sequence` orders changes:
// 2·session for the start of a session, 2·session + 1 for its end (session ids only grow).
struct DeviceEvent {
  enum class Kind { kSnapshot, kStarted, kStopped, kExpired };
  Kind kind;
  DeviceView device;
  std::int64_t sequence = 0;
};

// End of the snapshot of WatchDevices: every device has been sent once.
struct SnapshotEnd {};
// One message of the all-devices feed (WatchDevices): a device's state, the end of the
// snapshot, or a wallet's balance after a committed change.
using FeedEvent = std::variant<DeviceEvent, SnapshotEnd, Wallet>;

struct StartCommand {
  std::int64_t device_id;
  std::int64_t user_id;
  std::int64_t duration_minutes;
};
struct StartOutcome {
  DeviceView device;
  Money charged;
  Wallet wallet;                    // the user's, after the charge
  std::vector<DeviceEvent> events;  // to publish once committed, with `wallet`
};

struct StopCommand {
  std::int64_t device_id;
  std::int64_t actor_user_id;
  bool actor_is_admin;
};
struct StopOutcome {
  DeviceView device;  // freed
  Money refund;
  Wallet wallet;  // the session user's, after the refund
  std::vector<DeviceEvent> events;
};

}  // namespace fleet::device_session
