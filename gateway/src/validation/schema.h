#pragma once
// Request schemas: each endpoint declares its fields and gets back either the values or the
// issues, in FastAPI/pydantic v2 terms (type, loc, msg). Surfaces with FastAPI error bodies
// render the issues as a 422 detail array; streetlight and pisync turn them into their 400 text.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
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

enum class Type { kString, kInt, kBool, kNumber };

struct Field {
  std::string_view name;
  Type type = Type::kString;
  bool required = false;
  bool email = false;                       // strings: local@domain.tld
  bool trim = true;                         // strings: stored trimmed (passwords are not)
  std::size_t max_length = 255;             // strings, in characters
  std::optional<double> ge = std::nullopt;  // numbers: inclusive bounds
  std::optional<double> le = std::nullopt;
  std::optional<std::int64_t> default_int = std::nullopt;  // query parameters
};
using Schema = std::span<const Field>;

// The accepted values: strings (trimmed unless trim=false), int64, bool, double. An optional
// field sent as JSON null is present but null.
class Values {
 public:
  bool present(std::string_view name) const { return values_.contains(name); }
  bool is_null(std::string_view name) const;
  std::optional<std::string> string(std::string_view name) const;
  std::optional<std::int64_t> integer(std::string_view name) const;
  std::optional<bool> boolean(std::string_view name) const;
  std::optional<double> number(std::string_view name) const;
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

// Why `text` is not an email address (email_validator's wording), or nullopt if it is one.
std::optional<std::string> email_problem(std::string_view text);

// Issue constructors with pydantic v2's exact messages.
Issue missing(boost::json::array loc);
Issue string_type(boost::json::array loc);
Issue int_parsing(boost::json::array loc);

}  // namespace fleet::gateway::validation
