#include <string_view>

#include "fleet/bus/settings.h"
#include "fleet/common/config.h"

namespace fleet::bus {

Settings Settings::from_env() { return parse(config::get_or("NATS_URL", "")); }

Settings Settings::parse(const std::string& value) {
  Settings settings;
  for (const std::string_view server : config::split_list(value)) {
    if (server.empty()) continue;
    constexpr std::string_view kScheme = "nats://";
    const std::string_view authority =
        server.starts_with(kScheme) ? server.substr(kScheme.size()) : std::string_view();
    const auto colon = authority.rfind(':');
    if (authority.empty() || colon == std::string_view::npos || colon == 0 ||
        colon + 1 == authority.size() ||
        authority.substr(colon + 1).find_first_not_of("0123456789") != std::string_view::npos) {
      throw config::ConfigError("NATS_URL: expected nats://host:port[,nats://host:port...], got '" +
                                std::string(server) + "'");
    }
    settings.servers.emplace_back(server);
  }
  return settings;
}

}  // namespace fleet::bus
