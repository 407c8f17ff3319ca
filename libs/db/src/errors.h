#pragma once
// Turns a MariaDB error number into the matching fleet::db error class.
#include <string>

namespace fleet::db::detail {

// Client library errors (lost connection, timeout, protocol) and a server-side kill or shutdown:
// afterwards the connection's state is unknown, so it must not be reused.
bool breaks_connection(unsigned code);

[[noreturn]] void throw_error(unsigned code, const std::string& message);

}  // namespace fleet::db::detail
