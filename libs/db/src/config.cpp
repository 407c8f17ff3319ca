#include "fleet/common/config.h"

#include "fleet/db/db.h"

namespace fleet::db {

Config Config::from_env(std::string_view default_database) {
  Config c;
  c.host = config::get_or("DB_HOST", c.host);
  c.port = static_cast<unsigned>(config::get_int("DB_PORT", c.port, 1, 65535));
  c.user = config::require("DB_USER");
  c.password = config::get_or("DB_PASSWORD", "");
  c.database = config::get_or("DB_NAME", std::string(default_database));
  c.pool_size = static_cast<unsigned>(config::get_int("DB_POOL_SIZE", c.pool_size, 1, 1024));
  return c;
}

}  // namespace fleet::db
