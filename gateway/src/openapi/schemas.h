#pragma once
// The named schemas of /openapi.json (components.schemas): every response shape a row names in
// its ResponseDoc, and the surfaces' error bodies. Written once, as JSON Schema in OpenAPI 3.0's
// dialect (nullable: true), with the fields and JSON types the documents show and render/*.cpp
// writes.
#include <boost/json/object.hpp>
#include <string_view>

namespace fleet::gateway::openapi {

// Every named schema, by name (parsed once).
const boost::json::object& named_schemas();

// The schema of that name, or nullptr.
const boost::json::object* find_schema(std::string_view name);

// The error bodies, by surface family.
inline constexpr std::string_view kDetailError = "HTTPError";             // {"detail": text}
inline constexpr std::string_view kValidationError = "HTTPValidationError";  // 422 issues
inline constexpr std::string_view kStreetlightError = "StreetlightError";
inline constexpr std::string_view kPisyncError = "PisyncError";

}  // namespace fleet::gateway::openapi
