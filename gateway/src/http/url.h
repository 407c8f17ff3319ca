#pragma once
// URL pieces: percent-decoding, path segments, and name=value lists (query strings and
// application/x-www-form-urlencoded bodies share the syntax).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fleet::gateway::http {

// Decodes %XX escapes; an invalid escape is kept literally (as Python's unquote does).
// With plus_is_space, '+' becomes ' ' (query strings and forms, not paths).
std::string percent_decode(std::string_view text, bool plus_is_space);

// "/api/v1/users/" -> {"api", "v1", "users", ""}: split first, then decode each segment, so an
// encoded '/' never creates a segment. A trailing slash shows as a final empty segment.
std::vector<std::string> split_path(std::string_view raw_path);

// Ordered name/value pairs; a repeated name keeps every value, and lookups take the last one
// (as Starlette does).
class ParamList {
 public:
  ParamList() = default;
  explicit ParamList(std::vector<std::pair<std::string, std::string>> items)
      : items_(std::move(items)) {}
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }
  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// "a=1&b=&c" -> {a:"1", b:"", c:""}; empty pieces are skipped.
ParamList parse_urlencoded(std::string_view text);

}  // namespace fleet::gateway::http
