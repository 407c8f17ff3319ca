#include "errors.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include "fleet/db/db.h"

namespace fleet::db::detail {
namespace {

// "Duplicate entry 'x' for key 'uq_users_email'"; MySQL 8 writes 'users.uq_users_email'.
std::string duplicate_key_name(const std::string& message) {
  static constexpr std::string_view kMarker = "for key '";
  const auto start = message.rfind(kMarker);
  if (start == std::string::npos) return {};
  const auto begin = start + kMarker.size();
  const auto end = message.find('\'', begin);
  std::string key = message.substr(begin, end == std::string::npos ? end : end - begin);
  if (const auto dot = key.rfind('.'); dot != std::string::npos) key.erase(0, dot + 1);
  return key;
}

}  // namespace

bool breaks_connection(unsigned code) {
  // 2000-2999: CR_* of libmysql; 5000-5999: Connector/C's own CER_* errors. A Galera node that
  // is not (or no longer) part of the primary component answers every query with 1047 "WSREP has
  // not yet prepared node for application use" until it rejoins: as good as gone, so the pool
  // drops the connection and the next one goes to another node.
  return (code >= CR_MIN_ERROR && code <= CR_MAX_ERROR) || (code >= 5000 && code <= 5999) ||
         code == ER_CONNECTION_KILLED || code == ER_SERVER_SHUTDOWN || code == ER_UNKNOWN_COM_ERROR;
}

void throw_error(unsigned code, const std::string& message) {
  const std::string what = "MariaDB error " + std::to_string(code) + ": " + message;
  switch (code) {
    case ER_DUP_ENTRY:
      throw DuplicateKey(code, what, duplicate_key_name(message));
    case ER_LOCK_DEADLOCK:  // also Galera's certification failure ("WSREP detected deadlock")
    case ER_LOCK_WAIT_TIMEOUT:
      throw Deadlock(code, what);
    default:
      if (breaks_connection(code)) throw ConnectionLost(code, what);
      throw Error(code, what);
  }
}

}  // namespace fleet::db::detail
