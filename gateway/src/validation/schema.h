#pragma once
// Request schemas: each endpoint declares its fields and gets back either the values or the
// issues, in FastAPI/pydantic v2 terms (type, loc, msg). Surfaces with FastAPI error bodies
// render the issues as a 422 detail array; streetlight and pisync turn them into their 400 text.
#include <array>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/url.h"

namespace fleet::gateway::validation {

struct Issue {
  std::string type;
  boost::json::array loc;  // e.g. ["body", "phone"], ["query", "skip"], ["body", 12]
  std::string msg;
};
using Issues = std::vector<Issue>;

// kDecimal: exact money, stored as canonical text with exactly `decimal_places` decimals.
// kEnum: one of `choices`, stored as the string. kDateTime: ISO 8601, stored as UTC text.
enum class Type { kString, kInt, kBool, kNumber, kDecimal, kEnum, kDateTime };

// One request field. Declared in constexpr arrays with designated initializers, in this member
// order; every member but `name` has a default.
struct Field {
  std::string_view name;
  Type type = Type::kString;
  bool required = false;
  bool email = false;                       // strings: local@domain.tld
  bool trim = true;                         // strings: stored trimmed (passwords are not)
  std::size_t max_length = 255;             // strings, in characters
  std::optional<double> ge = std::nullopt;  // numbers and decimals: inclusive bounds
  std::optional<double> le = std::nullopt;  // (decimals compare exactly with the bound's
                                            // shortest decimal text, as pydantic does)
  std::optional<std::int64_t> default_int = std::nullopt;  // query parameters
  // Whether a JSON null is accepted (present but null, Values::is_null). Unset: accepted exactly
  // when the field is optional (the rule every schema had before this flag). true: accepted even
  // for a required field (pydantic `X | None` with no default). false: a null gets the type's
  // issue even for an optional field (pydantic `x: X = default`).
  std::optional<bool> nullable = std::nullopt;
  std::span<const std::string_view> choices = {};  // kEnum: the accepted values, in order
  unsigned decimal_places = 2;                     // kDecimal
  unsigned max_digits = 12;                        // kDecimal: digits in total
  // kDateTime: also accept a date (YYYY-MM-DD) as its midnight, and report unparsable text as
  // datetime_from_date_parsing, as pydantic v2 does in lax mode (FastAPI's default). Off: a date
  // alone is refused, with pydantic's datetime_parsing issue.
  bool date_as_midnight = false;
  std::string_view description = {};  // for the OpenAPI document

  constexpr bool accepts_null() const { return nullable.value_or(!required); }
};
using Schema = std::span<const Field>;

// A required integer id >= `min` (a path id such as {order_id} with validate_params(.., "path"),
// or an id in a body). A plain FastAPI `int` path parameter has no lower bound: use this only
// where the document asks for one.
constexpr Field id_field(std::string_view name, std::int64_t min = 1) {
  return Field{.name = name, .type = Type::kInt, .required = true, .ge = static_cast<double>(min)};
}

// List pages: `limit` in [min_limit, max_limit] (default default_limit) and `offset` >= 0
// (default 0). Compose a list query with its filters in one constexpr array (filters first, in
// the document's order), e.g.
//   inline constexpr std::string_view kOrderStatuses[] = {"Pending", "Repairing", ...};
//   inline constexpr Field kRepairOrdersQuery[] = {
//       {.name = "status", .type = Type::kEnum, .choices = kOrderStatuses},
//       {.name = "customer_id", .type = Type::kInt},
//       validation::limit_field(10, 100), validation::offset_field()};
// or with_page(filters, 10, 100) when the filters are an array of their own.
constexpr Field limit_field(std::int64_t default_limit, std::int64_t max_limit,
                            std::int64_t min_limit = 1) {
  return Field{.name = "limit",
               .type = Type::kInt,
               .ge = static_cast<double>(min_limit),
               .le = static_cast<double>(max_limit),
               .default_int = default_limit,
               .description = "Number of results per page"};
}
constexpr Field offset_field() {
  return Field{.name = "offset",
               .type = Type::kInt,
               .ge = 0.0,
               .default_int = 0,
               .description = "Number of results to skip"};
}
constexpr std::array<Field, 2> page_fields(std::int64_t default_limit, std::int64_t max_limit) {
  return {limit_field(default_limit, max_limit), offset_field()};
}
template <std::size_t N>
constexpr std::array<Field, N + 2> with_page(const Field (&filters)[N], std::int64_t default_limit,
                                             std::int64_t max_limit) {
  std::array<Field, N + 2> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = filters[i];
  out[N] = limit_field(default_limit, max_limit);
  out[N + 1] = offset_field();
  return out;
}

using DateTime = std::chrono::sys_time<std::chrono::microseconds>;

// The accepted values: strings (trimmed unless trim=false), int64, bool, double; decimals as
// their canonical text ("150.00"); enums as the chosen string; datetimes as UTC text
// "YYYY-MM-DDTHH:MM:SS" (".ffffff" added when there are microseconds). A JSON null that the
// field accepts (Field::accepts_null) is present but null.
class Values {
 public:
  bool present(std::string_view name) const { return values_.contains(name); }
  bool is_null(std::string_view name) const;
  std::optional<std::string> string(std::string_view name) const;
  std::optional<std::int64_t> integer(std::string_view name) const;
  std::optional<bool> boolean(std::string_view name) const;
  std::optional<double> number(std::string_view name) const;
  // A kDecimal value: its canonical text, e.g. "150.00".
  std::optional<std::string> decimal(std::string_view name) const;
  // A kDateTime value, in UTC (a value without an offset is taken as UTC).
  std::optional<DateTime> datetime(std::string_view name) const;
  boost::json::object& raw() { return values_; }

 private:
  boost::json::object values_;
};

struct Outcome {
  Values values;
  Issues issues;
  bool ok() const { return issues.empty(); }
};

// Fields of a JSON object, reported under loc [root, name].
Outcome validate_object(const boost::json::object& object, Schema schema,
                        std::string_view root = "body");

// A JSON request body as FastAPI reads one: an empty body is missing ["body"]; a Content-Type
// other than JSON, or a JSON value that is not an object, is model_attributes_type ["body"];
// invalid JSON is json_invalid ["body", offset].
Outcome validate_json_body(const http::Request& request, Schema schema);

// Form fields (text): an empty value counts as missing, as FastAPI's Form() does.
Outcome validate_form(const http::ParamList& form, Schema schema);

// Query or path parameters (text parsed to the field's type), reported under [root, name].
Outcome validate_params(const http::ParamList& params, Schema schema, std::string_view root);

// A path id such as {uid}: an int64 or an int_parsing issue at ["path", name].
std::optional<std::int64_t> parse_int(std::string_view text);

// Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF, nothing truncated.
bool is_utf8(std::string_view text);

// Why `text` is not an email address (email_validator's wording), or nullopt if it is one.
std::optional<std::string> email_problem(std::string_view text);

// Issue constructors with pydantic v2's exact messages.
Issue missing(boost::json::array loc);
Issue string_type(boost::json::array loc);
Issue int_parsing(boost::json::array loc);

}  // namespace fleet::gateway::validation
