#include "fleet/common/config.h"

#include <charconv>
#include <stdexcept>

#include "fleet/db/db.h"

namespace fleet::db {
namespace {

unsigned parse_port(std::string_view text, std::string_view entry) {
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc{} || end != text.data() + text.size() || port == 0 || port > 65535) {
    throw std::invalid_argument("bad port in database host \"" + std::string(entry) + "\"");
  }
  return port;
}

// "host", "host:port", "[v6]" or "[v6]:port"; a bare IPv6 literal (two colons or more) has no port.
Endpoint parse_endpoint(std::string_view entry, unsigned default_port) {
  if (entry.empty()) throw std::invalid_argument("an empty entry in the database host list");
  if (entry.front() == '[') {
    const auto close = entry.find(']');
    if (close == std::string_view::npos || close == 1) {
      throw std::invalid_argument("bad database host \"" + std::string(entry) + "\"");
    }
    const auto rest = entry.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      throw std::invalid_argument("bad database host \"" + std::string(entry) + "\"");
    }
    return {std::string(entry.substr(1, close - 1)),
            rest.empty() ? default_port : parse_port(rest.substr(1), entry)};
  }
  const auto colon = entry.rfind(':');
  if (colon == std::string_view::npos || entry.find(':') != colon) {
    return {std::string(entry), default_port};
  }
  if (colon == 0) throw std::invalid_argument("no host in \"" + std::string(entry) + "\"");
  return {std::string(entry.substr(0, colon)), parse_port(entry.substr(colon + 1), entry)};
}

}  // namespace

std::vector<Endpoint> Config::endpoints() const {
  std::vector<Endpoint> out;
  for (const auto entry : config::split_list(host)) out.push_back(parse_endpoint(entry, port));
  return out;
}

Config Config::from_env(std::string_view default_database) {
  Config c;
  c.host = config::get_or("DB_HOST", c.host);
  c.port = static_cast<unsigned>(config::get_int("DB_PORT", c.port, 1, 65535));
  c.user = config::require("DB_USER");
  c.password = config::get_or("DB_PASSWORD", "");
  c.database = config::get_or("DB_NAME", std::string(default_database));
  c.pool_size = static_cast<unsigned>(config::get_int("DB_POOL_SIZE", c.pool_size, 1, 1024));
  try {
    c.endpoints();
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("DB_HOST: ") + e.what());
  }
  return c;
}

}  // namespace fleet::db
