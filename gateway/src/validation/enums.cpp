// Enums as pydantic v2 validates them, with its "Input should be 'A' or 'B'" text.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "validation/checks.h"

namespace fleet::gateway::validation::detail {
namespace json = boost::json;
namespace {

// Python's repr of a str.
std::string python_repr(std::string_view s) {
  char quote =
      s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    if (c == '\\' || c == quote) {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + quote;
}

// 'A', 'B' or 'C', as pydantic-core's expected_repr_name.
std::string expected_choices(std::span<const std::string_view> choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += i + 1 == choices.size() ? " or " : ", ";
    out += python_repr(choices[i]);
  }
  return out;
}

}  // namespace

void check_enum(const Field& field, const json::value* value, std::string_view text,
                std::string_view root, json::object& out, Issues& issues) {
  bool is_text = value == nullptr || value->is_string();
  if (value != nullptr && value->is_string()) text = value->get_string();
  if (is_text &&
      std::find(field.choices.begin(), field.choices.end(), text) != field.choices.end()) {
    out[field.name] = json::string(text);
    return;
  }
  issues.push_back(
      make("enum", loc_of(root, field.name), "Input should be " + expected_choices(field.choices)));
}

}  // namespace fleet::gateway::validation::detail
