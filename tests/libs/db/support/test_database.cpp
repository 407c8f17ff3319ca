#include "test_database.h"

#include <random>

#include "fleet/common/config.h"

namespace fleet::db::testing {

Config server_config() {
  Config c;
  c.host = config::require("TEST_DB_HOST");
  c.port = static_cast<unsigned>(config::get_int("TEST_DB_PORT", 3306, 1, 65535));
  c.user = config::require("TEST_DB_USER");
  c.password = config::get_or("TEST_DB_PASSWORD", "");
  c.acquire_timeout = std::chrono::milliseconds{2000};
  return c;
}

TestDatabase::TestDatabase() : config_(server_config()) {
  std::random_device random;
  std::uniform_int_distribution<std::uint64_t> hex(0, 0xffffffffffffULL);
  char name[32];
  std::snprintf(name, sizeof name, "fleet_test_%012llx",
                static_cast<unsigned long long>(hex(random)));
  Connection::open(config_)->execute("CREATE DATABASE `" + std::string(name) +
                                     "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  config_.database = name;
}

TestDatabase::~TestDatabase() {
  try {
    Config server = config_;
    server.database.clear();
    Connection::open(server)->execute("DROP DATABASE IF EXISTS `" + config_.database + "`");
  } catch (const std::exception&) {
    // A leftover test database is harmless; never throw from a destructor.
  }
}

}  // namespace fleet::db::testing
