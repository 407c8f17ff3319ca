#pragma once
// /openapi.json, generated from the endpoint tables (OpenAPI 3.0.3): one tag per surface, and
// per row its summary, parameters, request body, responses per status (the success schema plus
// the error statuses the row can answer, each in its surface's error body) and bearer security
// where a token is needed. Nothing here is written per endpoint: a new row appears by itself.
#include <boost/json/object.hpp>
#include <span>
#include <string>
#include <string_view>

#include "endpoint/endpoint.h"

namespace fleet::gateway::openapi {

// The document as JSON text. Throws std::logic_error on a table mistake: a response schema name
// that openapi/schemas.cpp does not define, or two rows with the same method and path.
std::string openapi_json(std::span<const endpoint::Table> tables);

// The same document as a JSON object (for tests).
boost::json::object openapi_document(std::span<const endpoint::Table> tables);

// "post /api/v1/users/{user_id}" -> "post_api_v1_users_user_id"; unique per method and path
// (a trailing slash is kept as "_slash" so /users/ and /users stay apart).
std::string operation_id(std::string_view method, std::string_view path);

// The {names} in a path template, in order.
std::vector<std::string_view> path_template_params(std::string_view path);

}  // namespace fleet::gateway::openapi
