#pragma once
// Storage of devices, sessions, wallets and the ledger. Implementations:
// MariadbDeviceSessionRepository, and an in-memory fake in tests. Money moves only inside a
// Transaction, which locks what it reads.
#include <functional>
#include <optional>
#include <vector>

#include "domain/model.h"

namespace fleet::device_session {

// One database transaction. Reads named lock_* lock their rows until commit.
class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual std::optional<DeviceRecord> lock_device(std::int64_t id) = 0;
  // Devices with a session whose end_time is at or before `now`, ordered by id.
  virtual std::vector<DeviceRecord> lock_expired_devices(TimePoint now) = 0;
  // The wallet's cash, created at 0.00 (updated_at = now) if missing.
  virtual Money lock_wallet(std::int64_t user_id, TimePoint now) = 0;
  // The id of the user's latest ledger entry (0 if none), read without locking: call it after
  // lock_wallet, which keeps other writers of this wallet out.
  virtual std::int64_t wallet_version(std::int64_t user_id) = 0;
  virtual void set_cash(std::int64_t user_id, Money cash, TimePoint now) = 0;
  // Returns the new entry's id.
  virtual std::int64_t add_ledger(const LedgerEntry& entry) = 0;
  // Returns the new session's id.
  virtual std::int64_t open_session(const NewSession& session) = 0;
  virtual void close_session(std::int64_t session_id, TimePoint ended_at, EndReason reason,
                             std::optional<Money> refunded) = 0;
  // Both increment the device's version by one.
  virtual void mark_running(std::int64_t device_id, std::int64_t user_id, TimePoint end_time,
                            std::int64_t session_id) = 0;
  // No user, no end time, no session.
  virtual void mark_idle(std::int64_t device_id) = 0;
};

class Repository {
 public:
  virtual ~Repository() = default;

  // Runs work in one transaction: commits when it returns, rolls back when it throws. It may
  // run again after a deadlock.
  virtual void transact(const std::function<void(Transaction&)>& work) = 0;

  // Ordered by id.
  virtual std::vector<DeviceRecord> list_devices() = 0;
  virtual std::optional<DeviceRecord> get_device(std::int64_t id) = 0;
  // The earliest end_time of any session still marked on a device.
  virtual std::optional<TimePoint> next_end_time() = 0;
  // The wallets that exist among user_ids (with their versions), in any order.
  virtual std::vector<Wallet> wallets(const std::vector<std::int64_t>& user_ids) = 0;
  // Oldest first.
  virtual std::vector<LedgerEntry> ledger(std::int64_t user_id) = 0;
  // Inserts each device whose id is not taken; existing rows are left alone.
  virtual void ensure_devices(const std::vector<NewDevice>& devices) = 0;
};

}  // namespace fleet::device_session
