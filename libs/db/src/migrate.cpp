#include <algorithm>
#include <set>
#include <thread>

#include "fleet/common/logging.h"
#include "fleet/db/db.h"

namespace fleet::db {
namespace {

// DDL on a big table can take a while; a migration run gets more than a request does.
constexpr std::chrono::milliseconds kMigrationIoTimeout{std::chrono::minutes{5}};
// Long enough for another starter to finish its migrations.
constexpr int kLockWaitSeconds = 30;

std::string quote_identifier(std::string_view name) {
  std::string quoted = "`";
  for (char c : name) quoted += (c == '`') ? std::string("``") : std::string(1, c);
  return quoted + "`";
}

}  // namespace

void migrate(const Config& config, std::span<const Migration> migrations) {
  if (config.database.empty()) throw Error(0, "migrate: no database name configured");
  Config session = config;
  session.io_timeout = std::max(config.io_timeout, kMigrationIoTimeout);

  session.database.clear();
  Connection::open(session)->execute("CREATE DATABASE IF NOT EXISTS " +
                                     quote_identifier(config.database) +
                                     " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");

  session.database = config.database;
  auto conn = Connection::open(session);
  // Starters of the same service serialize here; the server frees the lock if we die.
  const std::string lock_name = ("fleet_migrate_" + config.database).substr(0, 64);
  auto locked =
      conn->query_one("SELECT GET_LOCK(?, ?)", {lock_name, std::int64_t{kLockWaitSeconds}});
  if (!locked || locked->is_null(0) || locked->i64(0) != 1) {
    throw Error(0, "migrate: timed out waiting for lock " + lock_name);
  }

  conn->execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INT PRIMARY KEY,"
      " name VARCHAR(255) NOT NULL,"
      " applied_at DATETIME(6) NOT NULL)");
  std::set<std::int64_t> applied;
  for (const auto& row : conn->query("SELECT version FROM schema_migrations")) {
    applied.insert(row.i64(0));
  }

  std::vector<Migration> ordered(migrations.begin(), migrations.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (const auto& m : ordered) {
    if (applied.contains(m.version)) continue;
    // MariaDB commits DDL implicitly, so a migration and its record cannot share a
    // transaction; each migration must therefore be safe to re-run after a crash in between.
    conn->execute(m.sql);
    conn->execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, UTC_TIMESTAMP(6))",
        {std::int64_t{m.version}, std::string(m.name)});
    log::info(
        "db_migration_applied",
        {{"database", config.database}, {"version", m.version}, {"name", std::string(m.name)}});
  }
  conn->query("SELECT RELEASE_LOCK(?)", {lock_name});
}

}  // namespace fleet::db

namespace fleet::db {

void migrate_with_retry(const Config& config, std::span<const Migration> migrations,
                        RetryOptions options) {
  const auto deadline = std::chrono::steady_clock::now() + options.deadline;
  for (int attempt = 1;; ++attempt) {
    try {
      migrate(config, migrations);
      return;
    } catch (const ConnectionLost& e) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) throw;
      log::warn("database_not_ready", {{"attempt", attempt}, {"cause", e.what()}});
      // The last attempt falls on the deadline.
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(options.interval, deadline - now));
    }
  }
}

}  // namespace fleet::db
