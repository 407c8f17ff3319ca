#pragma once
// Reading the gateway's list-valued settings (CORS_*, RATE_LIMITS, TRUSTED_PROXIES).
#include <string>
#include <string_view>
#include <vector>

namespace fleet::gateway::app {

// Without leading and trailing spaces and tabs.
std::string_view trim(std::string_view text);

// "a, b,,c" -> {"a", "b", "c"}: comma-separated, trimmed, empty items left out.
std::vector<std::string> split_list(std::string_view text);

}  // namespace fleet::gateway::app
