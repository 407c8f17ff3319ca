#pragma once
// Where the change bus is: NATS_URL, e.g. nats://127.0.0.1:4222 (several servers separated by
// commas). Unset or empty: no bus, for a run with one process of each kind.
#include <string>
#include <vector>

namespace fleet::bus {

struct Settings {
  std::vector<std::string> servers;  // empty: no bus

  bool enabled() const { return !servers.empty(); }
  // Throws config::ConfigError for a server that is not nats://host:port.
  static Settings from_env();
  static Settings parse(const std::string& value);
};

}  // namespace fleet::bus
