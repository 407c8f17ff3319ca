#pragma once
// HTML form bodies: application/x-www-form-urlencoded and multipart/form-data (text fields only;
// file parts are ignored, the gateway takes no uploads).
#include <optional>
#include <string>
#include <string_view>

#include "http/url.h"

namespace fleet::gateway::http {

// "Application/JSON; charset=utf-8" -> "application/json".
std::string media_type(std::string_view content_type);
// The value of a Content-Type parameter such as boundary (quotes removed), if present.
std::optional<std::string> content_type_param(std::string_view content_type, std::string_view name);

bool is_form(std::string_view content_type);
// application/json, or application/<x>+json.
bool is_json(std::string_view content_type);

// The fields of a form body, or nullopt if the body is not a well-formed form of its type.
std::optional<ParamList> parse_form(std::string_view content_type, std::string_view body);

}  // namespace fleet::gateway::http
