#pragma once
// Devices, sessions, wallets and the ledger in MariaDB, prepared statements only.
#include <memory>

#include "domain/repository.h"
#include "fleet/db/db.h"

namespace fleet::device_session {

// A Transaction on a connection whose transaction someone else opened and will commit: the
// repository's own transact(), or the idempotency store, which commits the effect together with
// its stored response.
class MariadbTransaction final : public Transaction {
 public:
  explicit MariadbTransaction(db::Connection& conn) : conn_(conn) {}

  std::optional<DeviceRecord> lock_device(std::int64_t id) override;
  std::vector<DeviceRecord> lock_expired_devices(TimePoint now) override;
  Money lock_wallet(std::int64_t user_id, TimePoint now) override;
  std::int64_t wallet_version(std::int64_t user_id) override;
  void set_cash(std::int64_t user_id, Money cash, TimePoint now) override;
  std::int64_t add_ledger(const LedgerEntry& entry) override;
  std::int64_t open_session(const NewSession& session) override;
  void close_session(std::int64_t session_id, TimePoint ended_at, EndReason reason,
                     std::optional<Money> refunded) override;
  void mark_running(std::int64_t device_id, std::int64_t user_id, TimePoint end_time,
                    std::int64_t session_id) override;
  void mark_idle(std::int64_t device_id) override;

 private:
  db::Connection& conn_;
};

class MariadbDeviceSessionRepository final : public Repository {
 public:
  explicit MariadbDeviceSessionRepository(db::Pool& pool) : pool_(pool) {}

  // A Transaction on a connection whose transaction the caller opened and will commit: the
  // factory that main() gives the adapter for exactly-once calls (idempotency::TransactionFactory).
  static std::unique_ptr<Transaction> transaction_on(db::Connection& conn);

  void transact(const std::function<void(Transaction&)>& work) override;
  std::vector<DeviceRecord> list_devices() override;
  std::optional<DeviceRecord> get_device(std::int64_t id) override;
  std::optional<TimePoint> next_end_time() override;
  std::vector<Wallet> wallets(const std::vector<std::int64_t>& user_ids) override;
  std::vector<LedgerEntry> ledger(std::int64_t user_id) override;
  void ensure_devices(const std::vector<NewDevice>& devices) override;

 private:
  db::Pool& pool_;
};

}  // namespace fleet::device_session
