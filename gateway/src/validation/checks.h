#pragma once
// Internal to validation/: issue construction in pydantic's terms, and the checks of the types
// that have a file of their own (decimal.cpp, enums.cpp, datetime.cpp).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "validation/schema.h"

namespace fleet::gateway::validation::detail {

boost::json::array loc_of(std::string_view root, std::string_view name);
Issue make(std::string type, boost::json::array loc, std::string msg);
std::string_view trim(std::string_view s);
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Each puts the accepted value into `out` under the field's name, or adds its issue.
void check_decimal_json(const Field& field, const boost::json::value& value, std::string_view root,
                        boost::json::object& out, Issues& issues);
void check_decimal_text(const Field& field, std::string_view text, std::string_view root,
                        boost::json::object& out, Issues& issues);
// `value` is the JSON value, or null for text (then `text`).
void check_enum(const Field& field, const boost::json::value* value, std::string_view text,
                std::string_view root, boost::json::object& out, Issues& issues);
void check_datetime_json(const Field& field, const boost::json::value& value, std::string_view root,
                         boost::json::object& out, Issues& issues);
void check_datetime_text(const Field& field, std::string_view text, std::string_view root,
                         boost::json::object& out, Issues& issues);
// A datetime as stored in Values (its canonical text), back as a time.
std::optional<DateTime> stored_datetime(std::string_view text);

}  // namespace fleet::gateway::validation::detail
