#pragma once
// JSON on Boost.JSON: parsing with the byte offset of an error (FastAPI reports it in its
// json_invalid detail) and JSON responses.
#include <boost/json/value.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace fleet::gateway::http {

struct JsonParse {
  std::optional<boost::json::value> value;  // set on success
  std::size_t error_offset = 0;             // byte offset of the first bad byte otherwise
};

// Parses exactly one JSON value surrounded by optional whitespace.
JsonParse parse_json(std::string_view text);

std::string dump(const boost::json::value& value);

Response json_response(int status, const boost::json::value& body);

}  // namespace fleet::gateway::http
