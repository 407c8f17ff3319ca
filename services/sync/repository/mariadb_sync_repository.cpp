#include "repository/mariadb_sync_repository.h"

#include "fleet/db/nullable.h"

namespace fleet::sync {
namespace {

constexpr std::string_view kSelectDevice =
    "SELECT id, name, type, last_sync_at, sync_status_code, error_message, last_attempt_at"
    " FROM devices ";

Device device_of(const db::Row& row) {
  Device d;
  d.id = row.i64(0);
  d.name = row.str(1);
  d.type = row.str(2);
  d.last_sync_at = db::opt_time(row, 3);
  if (auto code = db::opt_i64(row, 4)) d.sync_status_code = static_cast<int>(*code);
  d.error_message = row.opt(5);
  d.last_attempt_at = db::opt_time(row, 6);
  return d;
}

db::Param time_param(const std::optional<TimePoint>& t) {
  if (!t) return db::Param(nullptr);
  return db::Param(db::format_datetime(*t));
}

}  // namespace

// --- transaction --------------------------------------------------------------------------

std::optional<Device> MariadbTransaction::lock_device(std::int64_t id) {
  auto row = conn_.query_one(std::string(kSelectDevice) + "WHERE id = ? FOR UPDATE", {id});
  if (!row) return std::nullopt;
  return device_of(*row);
}

void MariadbTransaction::save_sync_fields(const Device& d) {
  std::optional<std::int64_t> code;
  if (d.sync_status_code) code = *d.sync_status_code;
  conn_.execute(
      "UPDATE devices SET last_sync_at = ?, sync_status_code = ?, error_message = ?,"
      " last_attempt_at = ? WHERE id = ?",
      {time_param(d.last_sync_at), db::nullable(code), db::nullable(d.error_message),
       time_param(d.last_attempt_at), d.id});
}

std::int64_t MariadbTransaction::add_attempt(const Attempt& a) {
  conn_.execute(
      "INSERT INTO sync_attempts (device_id, status_code, error_message, attempted_at,"
      " actor_user_id) VALUES (?, ?, ?, ?, ?)",
      {a.device_id, std::int64_t{a.status_code}, db::nullable(a.error_message),
       db::format_datetime(a.attempted_at), db::nullable(a.actor_user_id)});
  return static_cast<std::int64_t>(conn_.last_insert_id());
}

void MariadbTransaction::insert_device(const NewDevice& d) {
  conn_.execute("INSERT INTO devices (id, name, type) VALUES (?, ?, ?)", {d.id, d.name, d.type});
}

// --- repository ---------------------------------------------------------------------------

void MariadbSyncRepository::transact(const std::function<void(Transaction&)>& work) {
  pool_.transact([&](db::Connection& conn) {
    MariadbTransaction tx(conn);
    work(tx);
  });
}

std::vector<Device> MariadbSyncRepository::list_devices() {
  std::vector<Device> devices;
  for (const auto& row : pool_.acquire()->query(std::string(kSelectDevice) + "ORDER BY id")) {
    devices.push_back(device_of(row));
  }
  return devices;
}

std::optional<Device> MariadbSyncRepository::get_device(std::int64_t id) {
  auto row = pool_.acquire()->query_one(std::string(kSelectDevice) + "WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return device_of(*row);
}

std::vector<Attempt> MariadbSyncRepository::attempts(std::int64_t device_id, int limit) {
  std::vector<Attempt> out;
  for (const auto& row : pool_.acquire()->query(
           "SELECT id, device_id, status_code, error_message, attempted_at, actor_user_id"
           " FROM sync_attempts WHERE device_id = ? ORDER BY id DESC LIMIT ?",
           {device_id, std::int64_t{limit}})) {
    out.push_back(Attempt{.id = row.i64(0),
                          .device_id = row.i64(1),
                          .status_code = static_cast<int>(row.i64(2)),
                          .error_message = row.opt(3),
                          .attempted_at = db::parse_datetime(row.str(4)),
                          .actor_user_id = db::opt_i64(row, 5)});
  }
  return out;
}

}  // namespace fleet::sync
