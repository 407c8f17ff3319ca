#include "repository/mariadb_device_session_repository.h"

#include <algorithm>

#include "fleet/db/nullable.h"

namespace fleet::device_session {
namespace {

constexpr std::string_view kSelectDevice =
    "SELECT d.id, d.name, d.type, d.hourly_cost, d.user_id, d.end_time, d.session_id, s.charged,"
    " d.version FROM devices d LEFT JOIN sessions s ON s.id = d.session_id ";

// A wallet's version is the id of its latest ledger entry (ix_ledger_user makes it one probe).
constexpr std::string_view kWalletVersion =
    "COALESCE((SELECT MAX(l.id) FROM ledger l WHERE l.user_id = w.user_id), 0)";

// GetWallets looks ids up in chunks of this size, padded with repeats, so that one statement
// text serves any number of ids (statements are cached per connection by text).
constexpr std::size_t kWalletChunk = 32;

DeviceRecord device_of(const db::Row& row) {
  DeviceRecord d;
  d.id = row.i64(0);
  d.name = row.str(1);
  d.type = row.str(2);
  d.hourly_cost = Money::from_db(row.str(3));
  d.user_id = db::opt_i64(row, 4);
  d.end_time = db::opt_time(row, 5);
  d.session_id = db::opt_i64(row, 6);
  if (!row.is_null(7)) d.charged = Money::from_db(row.str(7));
  d.version = row.i64(8);
  return d;
}

std::vector<DeviceRecord> devices_of(const std::vector<db::Row>& rows) {
  std::vector<DeviceRecord> devices;
  devices.reserve(rows.size());
  for (const auto& row : rows) devices.push_back(device_of(row));
  return devices;
}

LedgerKind kind_of(const std::string& name) {
  if (name == "charge") return LedgerKind::kCharge;
  if (name == "refund") return LedgerKind::kRefund;
  return LedgerKind::kAdjustment;
}

}  // namespace

// --- transaction --------------------------------------------------------------------------

std::optional<DeviceRecord> MariadbTransaction::lock_device(std::int64_t id) {
  auto row = conn_.query_one(std::string(kSelectDevice) + "WHERE d.id = ? FOR UPDATE", {id});
  if (!row) return std::nullopt;
  return device_of(*row);
}

std::vector<DeviceRecord> MariadbTransaction::lock_expired_devices(TimePoint now) {
  return devices_of(conn_.query(std::string(kSelectDevice) +
                                    "WHERE d.session_id IS NOT NULL AND d.end_time <= ?"
                                    " ORDER BY d.id FOR UPDATE",
                                {db::format_datetime(now)}));
}

Money MariadbTransaction::lock_wallet(std::int64_t user_id, TimePoint now) {
  // The upsert takes the row's exclusive lock at once (created or not), so two transactions
  // never both hold a shared lock and then deadlock upgrading it.
  conn_.execute(
      "INSERT INTO wallets (user_id, cash, updated_at) VALUES (?, 0.00, ?)"
      " ON DUPLICATE KEY UPDATE user_id = user_id",
      {user_id, db::format_datetime(now)});
  const auto row =
      conn_.query_one("SELECT cash FROM wallets WHERE user_id = ? FOR UPDATE", {user_id});
  if (!row) throw db::Error(0, "wallet vanished inside its transaction");
  return Money::from_db(row->str(0));
}

std::int64_t MariadbTransaction::wallet_version(std::int64_t user_id) {
  const auto row =
      conn_.query_one("SELECT COALESCE(MAX(id), 0) FROM ledger WHERE user_id = ?", {user_id});
  return row ? row->i64(0) : 0;
}

void MariadbTransaction::set_cash(std::int64_t user_id, Money cash, TimePoint now) {
  conn_.execute("UPDATE wallets SET cash = ?, updated_at = ? WHERE user_id = ?",
                {cash.str(), db::format_datetime(now), user_id});
}

std::int64_t MariadbTransaction::add_ledger(const LedgerEntry& e) {
  conn_.execute(
      "INSERT INTO ledger (user_id, kind, amount, balance_after, device_id, session_id,"
      " actor_user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {e.user_id, std::string(to_string(e.kind)), e.amount.str(), e.balance_after.str(),
       db::nullable(e.device_id), db::nullable(e.session_id), db::nullable(e.actor_user_id),
       db::format_datetime(e.created_at)});
  return static_cast<std::int64_t>(conn_.last_insert_id());
}

std::int64_t MariadbTransaction::open_session(const NewSession& s) {
  conn_.execute(
      "INSERT INTO sessions (device_id, user_id, started_at, end_time, charged)"
      " VALUES (?, ?, ?, ?, ?)",
      {s.device_id, s.user_id, db::format_datetime(s.started_at), db::format_datetime(s.end_time),
       s.charged.str()});
  return static_cast<std::int64_t>(conn_.last_insert_id());
}

void MariadbTransaction::close_session(std::int64_t session_id, TimePoint ended_at,
                                       EndReason reason, std::optional<Money> refunded) {
  conn_.execute(
      "UPDATE sessions SET ended_at = ?, end_reason = ?, refunded = ?"
      " WHERE id = ? AND ended_at IS NULL",
      {db::format_datetime(ended_at),
       std::string(reason == EndReason::kStopped ? "stopped" : "expired"),
       refunded ? db::Param(refunded->str()) : db::Param(nullptr), session_id});
}

void MariadbTransaction::mark_running(std::int64_t device_id, std::int64_t user_id,
                                      TimePoint end_time, std::int64_t session_id) {
  conn_.execute(
      "UPDATE devices SET user_id = ?, end_time = ?, session_id = ?, version = version + 1"
      " WHERE id = ?",
      {user_id, db::format_datetime(end_time), session_id, device_id});
}

void MariadbTransaction::mark_idle(std::int64_t device_id) {
  conn_.execute(
      "UPDATE devices SET user_id = NULL, end_time = NULL, session_id = NULL,"
      " version = version + 1 WHERE id = ?",
      {device_id});
}

// --- repository ---------------------------------------------------------------------------

std::unique_ptr<Transaction> MariadbDeviceSessionRepository::transaction_on(db::Connection& conn) {
  return std::make_unique<MariadbTransaction>(conn);
}

void MariadbDeviceSessionRepository::transact(const std::function<void(Transaction&)>& work) {
  pool_.transact([&](db::Connection& conn) {
    MariadbTransaction tx(conn);
    work(tx);
  });
}

std::vector<DeviceRecord> MariadbDeviceSessionRepository::list_devices() {
  return devices_of(pool_.acquire()->query(std::string(kSelectDevice) + "ORDER BY d.id"));
}

std::optional<DeviceRecord> MariadbDeviceSessionRepository::get_device(std::int64_t id) {
  auto row = pool_.acquire()->query_one(std::string(kSelectDevice) + "WHERE d.id = ?", {id});
  if (!row) return std::nullopt;
  return device_of(*row);
}

std::optional<TimePoint> MariadbDeviceSessionRepository::next_end_time() {
  const auto row =
      pool_.acquire()->query_one("SELECT MIN(end_time) FROM devices WHERE session_id IS NOT NULL");
  if (!row || row->is_null(0)) return std::nullopt;
  return db::parse_datetime(row->str(0));
}

std::vector<Wallet> MariadbDeviceSessionRepository::wallets(
    const std::vector<std::int64_t>& user_ids) {
  static const std::string sql = [] {
    std::string s = "SELECT w.user_id, w.cash, " + std::string(kWalletVersion) +
                    " FROM wallets w WHERE w.user_id IN (?";
    for (std::size_t i = 1; i < kWalletChunk; ++i) s += ", ?";
    return s + ")";
  }();
  std::vector<Wallet> found;
  auto conn = pool_.acquire();
  for (std::size_t begin = 0; begin < user_ids.size(); begin += kWalletChunk) {
    const std::size_t end = std::min(user_ids.size(), begin + kWalletChunk);
    db::Params params(user_ids.begin() + begin, user_ids.begin() + end);
    params.resize(kWalletChunk, db::Param(user_ids[end - 1]));
    for (const auto& row : conn->query(sql, params)) {
      found.push_back({row.i64(0), Money::from_db(row.str(1)), row.i64(2)});
    }
  }
  return found;
}

std::vector<LedgerEntry> MariadbDeviceSessionRepository::ledger(std::int64_t user_id) {
  std::vector<LedgerEntry> entries;
  for (const auto& row : pool_.acquire()->query(
           "SELECT id, user_id, kind, amount, balance_after, device_id, session_id,"
           " actor_user_id, created_at FROM ledger WHERE user_id = ? ORDER BY id",
           {user_id})) {
    entries.push_back({.id = row.i64(0),
                       .user_id = row.i64(1),
                       .kind = kind_of(row.str(2)),
                       .amount = Money::from_db(row.str(3)),
                       .balance_after = Money::from_db(row.str(4)),
                       .device_id = db::opt_i64(row, 5),
                       .session_id = db::opt_i64(row, 6),
                       .actor_user_id = db::opt_i64(row, 7),
                       .created_at = db::parse_datetime(row.str(8))});
  }
  return entries;
}

void MariadbDeviceSessionRepository::ensure_devices(const std::vector<NewDevice>& devices) {
  pool_.transact([&](db::Connection& conn) {
    for (const auto& d : devices) {
      conn.execute(
          "INSERT INTO devices (id, name, type, hourly_cost) VALUES (?, ?, ?, ?)"
          " ON DUPLICATE KEY UPDATE id = id",
          {d.id, d.name, d.type, d.hourly_cost.str()});
    }
  });
}

}  // namespace fleet::device_session
