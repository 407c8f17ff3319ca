#include "validation/schema.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>

#include "http/form.h"
#include "http/json.h"
#include "validation/checks.h"

namespace fleet::gateway::validation {
namespace json = boost::json;
using namespace detail;

namespace detail {

std::string_view trim(std::string_view s) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

json::array loc_of(std::string_view root, std::string_view name) {
  return json::array{json::string(root), json::string(name)};
}

Issue make(std::string type, json::array loc, std::string msg) {
  return Issue{std::move(type), std::move(loc), std::move(msg)};
}

}  // namespace detail

namespace {

// Characters, not bytes: UTF-8 continuation bytes do not count.
std::size_t char_count(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string bound_text(double bound) {
  if (std::floor(bound) == bound && std::fabs(bound) < 1e15) {
    return std::to_string(static_cast<std::int64_t>(bound));
  }
  json::value v = bound;
  return http::dump(v);
}

// Bounds on a number already of the right type.
bool check_bounds(const Field& field, double value, std::string_view root, Issues& issues) {
  if (field.ge && value < *field.ge) {
    issues.push_back(make("greater_than_equal", loc_of(root, field.name),
                          "Input should be greater than or equal to " + bound_text(*field.ge)));
    return false;
  }
  if (field.le && value > *field.le) {
    issues.push_back(make("less_than_equal", loc_of(root, field.name),
                          "Input should be less than or equal to " + bound_text(*field.le)));
    return false;
  }
  return true;
}

// A string value: non-empty after trimming, not too long, an email if asked.
std::optional<std::string> check_string(const Field& field, std::string_view text,
                                        std::string_view root, Issues& issues) {
  // Form and query text arrive as raw bytes; protobuf refuses a string that is not UTF-8, so it
  // is refused here, as pydantic refuses undecodable bytes.
  if (!is_utf8(text)) {
    issues.push_back(make("string_unicode", loc_of(root, field.name),
                          "Input should be a valid string, unable to parse raw data as a unicode "
                          "string"));
    return std::nullopt;
  }
  auto trimmed = trim(text);
  if (trimmed.empty()) {
    issues.push_back(make("string_too_short", loc_of(root, field.name),
                          "String should have at least 1 character"));
    return std::nullopt;
  }
  if (char_count(text) > field.max_length) {
    issues.push_back(
        make("string_too_long", loc_of(root, field.name),
             "String should have at most " + std::to_string(field.max_length) + " characters"));
    return std::nullopt;
  }
  std::string value(field.trim ? trimmed : text);
  if (field.email) {
    if (auto problem = email_problem(value)) {
      issues.push_back(make("value_error", loc_of(root, field.name),
                            "value is not a valid email address: " + *problem));
      return std::nullopt;
    }
    // email_validator normalizes the domain to lower case.
    auto at = value.rfind('@');
    std::transform(value.begin() + static_cast<std::ptrdiff_t>(at), value.end(),
                   value.begin() + static_cast<std::ptrdiff_t>(at),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  return value;
}

// One JSON value against its field; the accepted value goes into `out`.
void check_json(const Field& field, const json::value& value, std::string_view root,
                json::object& out, Issues& issues) {
  switch (field.type) {
    case Type::kString:
      if (!value.is_string()) {
        issues.push_back(string_type(loc_of(root, field.name)));
        return;
      }
      if (auto s = check_string(field, value.get_string(), root, issues)) {
        out[field.name] = json::string(*s);
      }
      return;
    case Type::kInt: {
      std::int64_t number = 0;
      if (value.is_int64()) {
        number = value.get_int64();
      } else if (value.is_uint64()) {
        if (value.get_uint64() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          issues.push_back(
              make("int_type", loc_of(root, field.name), "Input should be a valid integer"));
          return;
        }
        number = static_cast<std::int64_t>(value.get_uint64());
      } else if (value.is_double()) {
        double d = value.get_double();
        if (std::floor(d) != d) {
          issues.push_back(
              make("int_from_float", loc_of(root, field.name),
                   "Input should be a valid integer, got a number with a fractional part"));
          return;
        }
        if (std::fabs(d) > 9.2e18) {
          issues.push_back(
              make("int_type", loc_of(root, field.name), "Input should be a valid integer"));
          return;
        }
        number = static_cast<std::int64_t>(d);
      } else {
        issues.push_back(
            make("int_type", loc_of(root, field.name), "Input should be a valid integer"));
        return;
      }
      if (check_bounds(field, static_cast<double>(number), root, issues)) out[field.name] = number;
      return;
    }
    case Type::kBool:
      if (!value.is_bool()) {
        issues.push_back(
            make("bool_type", loc_of(root, field.name), "Input should be a valid boolean"));
        return;
      }
      out[field.name] = value.get_bool();
      return;
    case Type::kNumber: {
      if (!value.is_number()) {
        issues.push_back(
            make("float_type", loc_of(root, field.name), "Input should be a valid number"));
        return;
      }
      double d = value.to_number<double>();
      if (check_bounds(field, d, root, issues)) out[field.name] = d;
      return;
    }
    case Type::kDecimal:
      check_decimal_json(field, value, root, out, issues);
      return;
    case Type::kEnum:
      check_enum(field, &value, {}, root, out, issues);
      return;
    case Type::kDateTime:
      check_datetime_json(field, value, root, out, issues);
      return;
  }
}

// One text value (query, path or form) against its field.
void check_text(const Field& field, std::string_view text, std::string_view root, json::object& out,
                Issues& issues) {
  switch (field.type) {
    case Type::kString:
      if (auto s = check_string(field, text, root, issues)) out[field.name] = json::string(*s);
      return;
    case Type::kInt: {
      auto number = parse_int(text);
      if (!number) {
        issues.push_back(int_parsing(loc_of(root, field.name)));
        return;
      }
      if (check_bounds(field, static_cast<double>(*number), root, issues))
        out[field.name] = *number;
      return;
    }
    case Type::kBool: {
      std::string lower(trim(text));
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      static const std::set<std::string> yes{"1", "on", "t", "true", "y", "yes"};
      static const std::set<std::string> no{"0", "off", "f", "false", "n", "no"};
      if (yes.count(lower)) {
        out[field.name] = true;
      } else if (no.count(lower)) {
        out[field.name] = false;
      } else {
        issues.push_back(make("bool_parsing", loc_of(root, field.name),
                              "Input should be a valid boolean, unable to interpret input"));
      }
      return;
    }
    case Type::kNumber: {
      auto t = trim(text);
      double d = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (t.empty() || ec != std::errc() || end != t.data() + t.size() || !std::isfinite(d)) {
        issues.push_back(
            make("float_parsing", loc_of(root, field.name),
                 "Input should be a valid number, unable to parse string as a number"));
        return;
      }
      if (check_bounds(field, d, root, issues)) out[field.name] = d;
      return;
    }
    case Type::kDecimal:
      check_decimal_text(field, text, root, out, issues);
      return;
    case Type::kEnum:
      check_enum(field, nullptr, text, root, out, issues);
      return;
    case Type::kDateTime:
      check_datetime_text(field, text, root, out, issues);
      return;
  }
}

Outcome body_issue(Issue issue) {
  Outcome outcome;
  outcome.issues.push_back(std::move(issue));
  return outcome;
}

}  // namespace

bool is_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, code = c & 0x07;
    } else {
      return false;  // a continuation byte first, an overlong lead (C0, C1) or beyond F4
    }
    if (i + extra >= text.size()) return false;  // truncated
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    if ((extra == 2 && code < 0x800) || (extra == 3 && (code < 0x10000 || code > 0x10FFFF)) ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

bool Values::is_null(std::string_view name) const {
  auto it = values_.find(name);
  return it != values_.end() && it->value().is_null();
}

std::optional<std::string> Values::string(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_string()) return std::nullopt;
  return std::string(it->value().get_string());
}

std::optional<std::int64_t> Values::integer(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_int64()) return std::nullopt;
  return it->value().get_int64();
}

std::optional<bool> Values::boolean(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_bool()) return std::nullopt;
  return it->value().get_bool();
}

std::optional<double> Values::number(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || !it->value().is_number()) return std::nullopt;
  return it->value().to_number<double>();
}

std::optional<std::string> Values::decimal(std::string_view name) const { return string(name); }

std::optional<DateTime> Values::datetime(std::string_view name) const {
  auto text = string(name);
  if (!text) return std::nullopt;
  return stored_datetime(*text);
}

Issue missing(json::array loc) { return make("missing", std::move(loc), "Field required"); }
Issue string_type(json::array loc) {
  return make("string_type", std::move(loc), "Input should be a valid string");
}
Issue int_parsing(json::array loc) {
  return make("int_parsing", std::move(loc),
              "Input should be a valid integer, unable to parse string as an integer");
}

Outcome validate_object(const json::object& object, Schema schema, std::string_view root) {
  Outcome outcome;
  for (const auto& field : schema) {
    auto it = object.find(field.name);
    if (it == object.end()) {
      if (field.required) outcome.issues.push_back(missing(loc_of(root, field.name)));
      continue;
    }
    if (it->value().is_null() && field.accepts_null()) {
      outcome.values.raw()[field.name] = nullptr;
      continue;
    }
    check_json(field, it->value(), root, outcome.values.raw(), outcome.issues);
  }
  return outcome;
}

Outcome validate_json_body(const http::Request& request, Schema schema) {
  if (request.body.empty()) return body_issue(missing(json::array{"body"}));
  auto content_type = request.header("Content-Type");
  if (!content_type.empty() && !http::is_json(content_type)) {
    return body_issue(make("model_attributes_type", json::array{"body"},
                           "Input should be a valid dictionary or object to extract fields from"));
  }
  auto parsed = http::parse_json(request.body);
  if (!parsed.value) {
    return body_issue(make("json_invalid",
                           json::array{"body", static_cast<std::int64_t>(parsed.error_offset)},
                           "JSON decode error"));
  }
  if (!parsed.value->is_object()) {
    return body_issue(make("model_attributes_type", json::array{"body"},
                           "Input should be a valid dictionary or object to extract fields from"));
  }
  return validate_object(parsed.value->get_object(), schema, "body");
}

Outcome validate_form(const http::ParamList& form, Schema schema) {
  Outcome outcome;
  for (const auto& field : schema) {
    auto text = form.get(field.name);
    if (!text || text->empty()) {
      if (field.required) outcome.issues.push_back(missing(loc_of("body", field.name)));
      continue;
    }
    check_text(field, *text, "body", outcome.values.raw(), outcome.issues);
  }
  return outcome;
}

Outcome validate_params(const http::ParamList& params, Schema schema, std::string_view root) {
  Outcome outcome;
  for (const auto& field : schema) {
    auto text = params.get(field.name);
    if (!text) {
      if (field.required) {
        outcome.issues.push_back(missing(loc_of(root, field.name)));
      } else if (field.default_int) {
        outcome.values.raw()[field.name] = *field.default_int;
      }
      continue;
    }
    check_text(field, *text, root, outcome.values.raw(), outcome.issues);
  }
  return outcome;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> email_problem(std::string_view text) {
  auto at = text.rfind('@');
  if (at == std::string_view::npos) return "An email address must have an @-sign.";
  auto local = text.substr(0, at);
  auto domain = text.substr(at + 1);
  if (local.empty()) return "There must be something before the @-sign.";
  if (domain.empty()) return "There must be something after the @-sign.";

  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~.";
  std::set<char> bad;
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u) || kAtext.find(c) != std::string_view::npos) continue;
    bad.insert(c);
  }
  auto list = [](const std::set<char>& chars) {
    std::string out;
    for (char c : chars) {
      if (!out.empty()) out += ", ";
      out += '\'';
      out += c;
      out += '\'';
    }
    return out;
  };
  if (!bad.empty()) {
    return "The email address contains invalid characters before the @-sign: " + list(bad) + ".";
  }
  if (local.front() == '.') return "An email address cannot start with a period.";
  if (local.back() == '.')
    return "An email address cannot have a period immediately before the @-sign.";
  if (local.find("..") != std::string_view::npos)
    return "An email address cannot have two periods in a row.";
  if (local.size() > 64) {
    return "The email address is too long before the @-sign (" + std::to_string(local.size() - 64) +
           " character" + (local.size() - 64 == 1 ? "" : "s") + " too many).";
  }

  for (char c : domain) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.') continue;
    bad.insert(c);
  }
  if (!bad.empty())
    return "The part after the @-sign contains invalid characters: " + list(bad) + ".";
  if (domain.front() == '.')
    return "An email address cannot have a period immediately after the @-sign.";
  if (domain.back() == '.') return "An email address cannot end with a period.";
  if (domain.find("..") != std::string_view::npos)
    return "An email address cannot have two periods in a row.";
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos)
    return "The part after the @-sign is not valid. It should have a period.";
  std::size_t start = 0;
  while (start <= domain.size()) {
    auto end = domain.find('.', start);
    auto label =
        domain.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (label.front() == '-' || label.back() == '-') {
      return "The part after the @-sign contains invalid characters (Label must not start or end "
             "with a hyphen.).";
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  auto tld = domain.substr(dot + 1);
  if (std::all_of(tld.begin(), tld.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      tld.size() < 2) {
    return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
  }
  return std::nullopt;
}

}  // namespace fleet::gateway::validation
