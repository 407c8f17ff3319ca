#include "openapi/document.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "openapi/schemas.h"
#include "router/surface.h"

namespace fleet::gateway::openapi {
namespace {

namespace json = boost::json;
using endpoint::Access;
using endpoint::Body;
using endpoint::Endpoint;
using validation::Field;
using validation::Type;

constexpr Surface kSurfaces[] = {Surface::kRental, Surface::kUsersV1, Surface::kRepair,
                                 Surface::kStreetlight, Surface::kPisync};

std::string_view tag_description(Surface surface) {
  switch (surface) {
    case Surface::kRental:
      return "Device rental (base `/`): accounts with a cash wallet, timed device sessions, and "
             "their WebSockets. Sign in with form fields at `POST /auth/token`. Errors: "
             "`{\"detail\": \"text\"}`, validation 422 with the issue list.";
    case Surface::kUsersV1:
      return "Users API v1 (base `/api/v1`): accounts, sign-in with a JSON body or form fields, "
             "and a chat WebSocket. Errors as rental.";
    case Surface::kRepair:
      return "Laptop repair shop (base `/v1`): customer and staff accounts, phone sign-in with "
             "refresh tokens. Errors as rental.";
    case Surface::kStreetlight:
      return "Street lights (base `/api`): email sign-in. Errors: "
             "`{\"status\": N, \"message\": \"text\", \"data\": null}`; schema failures are 400.";
    case Surface::kPisync:
      return "Raspberry Pi device sync (base `/pisync`): username sign-in. Errors: "
             "`{\"message\": \"text\"}`; schema failures are 400.";
  }
  return "";
}

bool fastapi(Surface surface) {
  return surface == Surface::kRental || surface == Surface::kUsersV1 ||
         surface == Surface::kRepair;
}

std::string_view error_schema(Surface surface) {
  switch (surface) {
    case Surface::kStreetlight:
      return kStreetlightError;
    case Surface::kPisync:
      return kPisyncError;
    default:
      return kDetailError;
  }
}

json::object ref(std::string_view name) {
  return json::object{{"$ref", "#/components/schemas/" + std::string(name)}};
}

// Bounds are doubles in a Field; an integral bound is written as an integer (1, not 1E0).
json::value number(double value) {
  if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 9.0e15) {
    return static_cast<std::int64_t>(value);
  }
  return value;
}

// The JSON Schema of one request field. A new validation type is one more case here (the
// switch has no default, so the compiler names a missing one).
json::object field_schema(const Field& field) {
  json::object s;
  switch (field.type) {
    case Type::kString:
      s["type"] = "string";
      if (field.email) s["format"] = "email";
      s["maxLength"] = field.max_length;
      break;
    case Type::kInt:
      s["type"] = "integer";
      s["format"] = "int64";
      break;
    case Type::kBool:
      s["type"] = "boolean";
      break;
    case Type::kNumber:
      s["type"] = "number";
      break;
  }
  if (field.ge) s["minimum"] = number(*field.ge);
  if (field.le) s["maximum"] = number(*field.le);
  if (field.default_int) s["default"] = *field.default_int;
  return s;
}

// A body schema: an object of the fields; `required` only when some are (OpenAPI 3.0 forbids
// an empty list).
json::object object_schema(validation::Schema fields) {
  json::object properties;
  json::array required;
  for (const auto& field : fields) {
    properties[field.name] = field_schema(field);
    if (field.required) required.emplace_back(field.name);
  }
  json::object s{{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) s["required"] = std::move(required);
  return s;
}

std::string_view role_name(endpoint::Role role) {
  switch (role) {
    case ::fleetgate::user::v1::ROLE_OPERATOR:
      return "operator";
    case ::fleetgate::user::v1::ROLE_ADMIN:
      return "admin";
    default:
      return "user";
  }
}

std::string access_text(const endpoint::Policy& policy) {
  switch (policy.access) {
    case Access::kPublic:
      return "Access: public (no token).";
    case Access::kToken:
      return "Access: any signed-in, active account.";
    case Access::kRole:
      return "Access: an account of role " + std::string(role_name(policy.role)) + " or above.";
    case Access::kSelfOrRole:
      return "Access: the account named by `" + std::string(policy.self) +
             "`, or an account of role " + std::string(role_name(policy.role)) + " or above.";
  }
  return "";
}

std::string_view reason(int status) {
  switch (status) {
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return status < 400 ? "Success" : "Error";
  }
}

bool needs_token(const Endpoint& row) { return row.access.access != Access::kPublic; }

// The error statuses a row can answer, each with what causes it and its body schemas.
struct ErrorDoc {
  std::vector<std::string> causes;
  std::vector<std::string_view> schemas;

  void add(std::string cause, std::string_view schema) {
    bool seen = false;
    for (const auto& c : causes) seen = seen || c == cause;
    if (!seen && !cause.empty()) causes.push_back(std::move(cause));
    for (const auto& s : schemas) {
      if (s == schema) return;
    }
    schemas.push_back(schema);
  }
};

std::map<int, ErrorDoc> error_responses(const Endpoint& row,
                                        const std::vector<std::string_view>& path_names) {
  std::map<int, ErrorDoc> out;
  const auto body = error_schema(row.surface);
  const bool validates = !path_names.empty() || !row.query.empty() ||
                         row.body_kind != Body::kNone || !row.body.empty();
  if (needs_token(row)) {
    out[401].add("Missing, malformed, invalid or expired token, or its account no longer exists",
                 body);
    out[403].add("The account is inactive, or the operation is beyond its role", body);
  }
  for (const auto& rule : row.errors) {
    std::string cause;
    if (rule.text == endpoint::kForbiddenText) {
      cause = "Someone else's object, or beyond the account's role";
    } else if (rule.text == endpoint::kInvalidTokenText) {
      cause = "Invalid token";
    } else if (!rule.text.empty()) {
      cause = "\"" + std::string(rule.text) + "\"";
    }
    out[rule.status].add(std::move(cause), body);
  }
  if (!path_names.empty()) out[404].add("No object with that id", body);
  if (validates) {
    if (fastapi(row.surface)) {
      out[422].add("A schema failure: a missing field, a wrong type or an out-of-range value "
                   "(one entry per issue)",
                   kValidationError);
    } else {
      out[400].add("A schema failure: invalid JSON, a missing field, a wrong type or an "
                   "out-of-range value",
                   body);
    }
  }
  if (row.body_kind == Body::kForm || row.body_kind == Body::kJsonOrForm) {
    out[400].add("A form body that cannot be parsed", body);
  }
  if (row.idempotent) {
    out[409].add("A request with the same X-Idempotency-Key is still in progress", body);
    out[422].add("The X-Idempotency-Key was already used with a different request", body);
  }
  return out;
}

json::object error_response(int status, const ErrorDoc& doc) {
  std::string description(reason(status));
  for (std::size_t i = 0; i < doc.causes.size(); ++i) {
    description += (i == 0 ? ": " : "; ") + doc.causes[i];
  }
  json::object schema;
  if (doc.schemas.size() == 1) {
    schema = ref(doc.schemas.front());
  } else {
    json::array one_of;
    for (const auto& name : doc.schemas) one_of.emplace_back(ref(name));
    schema["oneOf"] = std::move(one_of);
  }
  return json::object{
      {"description", description},
      {"content", json::object{{"application/json", json::object{{"schema", schema}}}}}};
}

std::string row_name(const Endpoint& row) {
  return std::string(row.method) + " " + std::string(row.path);
}

json::object success_response(const Endpoint& row) {
  if (row.accept != nullptr) {
    return json::object{{"description", "Switching Protocols: the WebSocket is open"}};
  }
  json::object response{{"description", std::string(reason(row.success))}};
  if (row.response.schema.empty() || row.success == 204) return response;
  if (find_schema(row.response.schema) == nullptr) {
    throw std::logic_error("openapi: " + row_name(row) + " names the response schema \"" +
                           std::string(row.response.schema) +
                           "\", which openapi/schemas.cpp does not define");
  }
  json::object schema = ref(row.response.schema);
  if (row.response.array) schema = json::object{{"type", "array"}, {"items", std::move(schema)}};
  response["content"] = json::object{{"application/json", json::object{{"schema", schema}}}};
  return response;
}

json::array parameters(const Endpoint& row, const std::vector<std::string_view>& path_names) {
  json::array out;
  for (auto name : path_names) {
    json::object schema{{"type", "string"}};  // a template name the row does not validate
    for (const auto& field : row.path_params) {
      if (field.name == name) schema = field_schema(field);
    }
    out.push_back(json::object{
        {"name", name}, {"in", "path"}, {"required", true}, {"schema", std::move(schema)}});
  }
  for (const auto& field : row.query) {
    out.push_back(json::object{{"name", field.name},
                               {"in", "query"},
                               {"required", field.required},
                               {"schema", field_schema(field)}});
  }
  if (row.accept != nullptr && needs_token(row)) {
    out.push_back(json::object{
        {"name", "token"},
        {"in", "query"},
        {"required", false},
        {"description", "The access token, for clients that cannot set Authorization (browsers)"},
        {"schema", json::object{{"type", "string"}}}});
  }
  if (row.idempotent) {
    out.push_back(json::object{
        {"name", "X-Idempotency-Key"},
        {"in", "header"},
        {"required", false},
        {"description",
         "A repeat with the same key within 24 hours replays the first response without a "
         "second effect"},
        {"schema", json::object{{"type", "string"}, {"maxLength", 255}}}});
  }
  return out;
}

json::object request_body(const Endpoint& row) {
  const json::object schema = object_schema(row.body);
  json::object content;
  if (row.body_kind == Body::kJson || row.body_kind == Body::kJsonOrForm) {
    content["application/json"] = json::object{{"schema", schema}};
  }
  if (row.body_kind == Body::kForm || row.body_kind == Body::kJsonOrForm) {
    content["application/x-www-form-urlencoded"] = json::object{{"schema", schema}};
    content["multipart/form-data"] = json::object{{"schema", schema}};
  }
  return json::object{{"required", true}, {"content", std::move(content)}};
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// WebSocket rows (`accept` instead of `run`) are documented, as GET with a 101 response and
// the handshake's refusals, so that the docs list every socket the documents describe.
json::object operation(const Endpoint& row) {
  const auto path_names = path_template_params(row.path);
  std::string description = access_text(row.access);
  if (row.accept != nullptr) {
    description =
        "WebSocket: send this GET as an upgrade request (`ws://` / `wss://`). " + description;
  }
  json::object op{{"tags", json::array{surface_name(row.surface)}},
                  {"summary", row.summary},
                  {"description", description},
                  {"operationId", operation_id(row.method, row.path)}};
  auto params = parameters(row, path_names);
  if (!params.empty()) op["parameters"] = std::move(params);
  if (row.body_kind != Body::kNone) op["requestBody"] = request_body(row);

  json::object responses;
  const int success = row.accept != nullptr ? 101 : row.success;
  const auto errors = error_responses(row, path_names);
  responses[std::to_string(success)] = success_response(row);
  for (const auto& [status, doc] : errors) {
    if (status != success) responses[std::to_string(status)] = error_response(status, doc);
  }
  op["responses"] = std::move(responses);
  if (needs_token(row)) op["security"] = json::array{json::object{{"bearerAuth", json::array{}}}};
  return op;
}

}  // namespace

std::vector<std::string_view> path_template_params(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t at = 0;
  while ((at = path.find('{', at)) != std::string_view::npos) {
    const auto end = path.find('}', at);
    if (end == std::string_view::npos) break;
    out.push_back(path.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  return out;
}

std::string operation_id(std::string_view method, std::string_view path) {
  std::string id = lower(method);
  bool gap = true;
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      if (gap) id += '_';
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      gap = false;
    } else {
      gap = true;
    }
  }
  if (path.size() > 1 && path.back() == '/') id += "_slash";
  return id;
}

json::object openapi_document(std::span<const endpoint::Table> tables) {
  json::array tags;
  for (auto surface : kSurfaces) {
    tags.push_back(json::object{{"name", surface_name(surface)},
                                {"description", tag_description(surface)}});
  }

  json::object paths;
  std::set<std::string> ids;
  for (const auto& table : tables) {
    for (const auto& row : table) {
      if (row.hidden) continue;
      const auto id = operation_id(row.method, row.path);
      if (!ids.insert(id).second) {
        throw std::logic_error("openapi: " + row_name(row) +
                               " is documented twice (operationId " + id + ")");
      }
      auto& item = paths[row.path];
      if (!item.is_object()) item = json::object{};
      item.as_object()[lower(row.method)] = operation(row);
    }
  }

  json::object components{
      {"schemas", named_schemas()},
      {"securitySchemes",
       json::object{{"bearerAuth", json::object{{"type", "http"},
                                                {"scheme", "bearer"},
                                                {"bearerFormat", "JWT"},
                                                {"description",
                                                 "An access token from any surface's sign-in; "
                                                 "every surface accepts it"}}}}}};

  return json::object{
      {"openapi", "3.0.3"},
      {"info",
       json::object{{"title", "Fleetgate"},
                    {"version", "1.0.0"},
                    {"description",
                     "One gateway, five REST surfaces, each at its own base path and with its "
                     "own error body. A token issued by any surface is accepted by all."}}},
      {"tags", std::move(tags)},
      {"paths", std::move(paths)},
      {"components", std::move(components)}};
}

std::string openapi_json(std::span<const endpoint::Table> tables) {
  return json::serialize(openapi_document(tables));
}

}  // namespace fleet::gateway::openapi
