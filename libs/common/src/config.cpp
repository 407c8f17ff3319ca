#include "fleet/common/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>

namespace fleet::config {
namespace {

std::optional<std::string> lookup(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr || *value == '\0') return std::nullopt;
  return std::string(value);
}

[[noreturn]] void invalid(std::string_view name, std::string_view why) {
  throw ConfigError(std::string(name) + ": " + std::string(why));
}

}  // namespace

std::string require(std::string_view name) {
  auto value = lookup(name);
  if (!value) invalid(name, "is required but not set");
  return *value;
}

std::string get_or(std::string_view name, std::string fallback) {
  return lookup(name).value_or(std::move(fallback));
}

std::int64_t get_int(std::string_view name, std::int64_t fallback, std::int64_t min,
                     std::int64_t max) {
  auto value = lookup(name);
  if (!value) return fallback;
  std::int64_t parsed = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
  if (ec != std::errc() || end != value->data() + value->size()) invalid(name, "not an integer");
  if (parsed < min || parsed > max) {
    invalid(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return parsed;
}

double get_double(std::string_view name, double fallback, double min, double max) {
  auto value = lookup(name);
  if (!value) return fallback;
  std::size_t used = 0;
  double parsed = 0;
  try {
    parsed = std::stod(*value, &used);
  } catch (const std::exception&) {
    invalid(name, "not a number");
  }
  if (used != value->size()) invalid(name, "not a number");
  if (parsed < min || parsed > max) invalid(name, "out of range");
  return parsed;
}

bool get_bool(std::string_view name, bool fallback) {
  auto value = lookup(name);
  if (!value) return fallback;
  std::string lower = *value;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "on" || lower == "true" || lower == "yes" || lower == "1") return true;
  if (lower == "off" || lower == "false" || lower == "no" || lower == "0") return false;
  invalid(name, "must be on or off");
}

std::string_view trimmed(std::string_view text) {
  const auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_list(std::string_view value) {
  std::vector<std::string_view> items;
  for (;;) {
    const auto comma = value.find(',');
    items.push_back(trimmed(value.substr(0, comma)));
    if (comma == std::string_view::npos) return items;
    value.remove_prefix(comma + 1);
  }
}

}  // namespace fleet::config
