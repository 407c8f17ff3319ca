#pragma once
// Configuration comes from the environment, read once at start. A missing or malformed value
// throws ConfigError, which main() reports before exiting non-zero (fail fast, like Envoy).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fleet::config {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The value of `name`; throws ConfigError when unset or empty.
std::string require(std::string_view name);
std::string get_or(std::string_view name, std::string fallback);
// Integers and decimals must parse completely and lie in [min, max].
std::int64_t get_int(std::string_view name, std::int64_t fallback, std::int64_t min,
                     std::int64_t max);
double get_double(std::string_view name, double fallback, double min, double max);
// Accepts on/off, true/false, yes/no, 1/0.
bool get_bool(std::string_view name, bool fallback);

// `text` without leading and trailing whitespace.
std::string_view trimmed(std::string_view text);
// The items of a comma-separated list (DB_HOST, *_ADDR, NATS_URL), each trimmed of whitespace,
// empty ones kept: each caller says whether an empty item is an error. Views into `value`.
std::vector<std::string_view> split_list(std::string_view value);

}  // namespace fleet::config
