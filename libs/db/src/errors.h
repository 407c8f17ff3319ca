#pragma once
// Turns a MariaDB error number into the matching fleet::db error class.
#include <string>

namespace fleet::db::detail {

// Client library errors (lost connection, timeout, protocol), a server-side kill or shutdown,
// and a Galera node not ready (1047): afterwards the connection is of no use, so it is dropped.
bool breaks_connection(unsigned code);

[[noreturn]] void throw_error(unsigned code, const std::string& message);

}  // namespace fleet::db::detail
