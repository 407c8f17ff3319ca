// The OpenAPI document of a small fake table: paths, parameters, bodies, security, responses per
// status in each surface's error body, and the named schemas.
#include "openapi/document.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "openapi/document_checks.h"
#include "openapi/schemas.h"

namespace {

namespace json = boost::json;
namespace endpoint = fleet::gateway::endpoint;
using endpoint::Body;
using endpoint::Endpoint;
using fleet::gateway::Surface;
using fleet::gateway::validation::Field;
using fleet::gateway::validation::Type;
using Role = endpoint::Role;

boost::asio::awaitable<fleet::gateway::server::Upgrade> fake_accept(endpoint::Call&) {
  co_return fleet::gateway::server::Upgrade{};
}

constexpr Field kUid[] = {{.name = "uid", .type = Type::kInt, .required = true, .ge = 1.0}};
constexpr Field kForm[] = {{.name = "username", .required = true},
                           {.name = "password", .required = true, .max_length = 1024}};
constexpr Field kCreate[] = {{.name = "email", .required = true, .email = true},
                             {.name = "is_admin", .type = Type::kBool}};
constexpr Field kPatch[] = {{.name = "name"}, {.name = "cash", .type = Type::kNumber, .ge = 0.0}};
constexpr Field kList[] = {
    {.name = "limit", .type = Type::kInt, .ge = 1.0, .le = 100.0, .default_int = 10},
    {.name = "offset", .type = Type::kInt, .ge = 0.0, .default_int = 0}};
constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Incorrect username or password"},
    {grpc::StatusCode::PERMISSION_DENIED, 403, "User is inactive"}};
constexpr endpoint::ErrorRule kStopErrors[] = {
    {grpc::StatusCode::PERMISSION_DENIED, 403, endpoint::kForbiddenText},
    {grpc::StatusCode::FAILED_PRECONDITION, 400, "Device is not running"}};
constexpr endpoint::ErrorRule kExists[] = {
    {grpc::StatusCode::ALREADY_EXISTS, 400, "User already exists"}};

constexpr auto kAdmin = endpoint::at_least(::fleetgate::user::v1::ROLE_ADMIN);

constexpr Endpoint kRental[] = {
    {.method = "POST", .path = "/auth/token", .surface = Surface::kRental, .summary = "Sign in",
     .body_kind = Body::kForm, .body = kForm, .errors = kLoginErrors,
     .response = {"RentalToken"}},
    {.method = "GET", .path = "/user/all", .surface = Surface::kRental, .summary = "List",
     .access = kAdmin, .response = {"RentalUser", true}},
    {.method = "GET", .path = "/user/{uid}", .surface = Surface::kRental, .summary = "Read",
     .access = endpoint::self_or("uid", ::fleetgate::user::v1::ROLE_ADMIN), .path_params = kUid,
     .response = {"RentalUser"}},
    {.method = "PATCH", .path = "/user/{uid}", .surface = Surface::kRental, .summary = "Patch",
     .access = endpoint::self_or("uid", ::fleetgate::user::v1::ROLE_ADMIN), .path_params = kUid,
     .body_kind = Body::kJson, .body = kPatch, .response = {"RentalUser"}},
    {.method = "POST", .path = "/device/stop/{device_id}", .surface = Surface::kRental,
     .summary = "Stop", .access = endpoint::kAnyToken, .idempotent = true,
     .errors = kStopErrors, .response = {"RentalStop"}},
    {.method = "GET", .path = "/device/ws/timeleft/{device_id}", .surface = Surface::kRental,
     .summary = "WebSocket: countdown", .access = endpoint::kAnyToken, .path_params = kUid,
     .accept = fake_accept},
};
constexpr Endpoint kRepair[] = {
    {.method = "GET", .path = "/v1/users", .surface = Surface::kRepair, .summary = "List users",
     .access = endpoint::kAnyToken, .query = kList, .response = {"RepairUser", true}},
    {.method = "POST", .path = "/v1/users", .surface = Surface::kRepair, .summary = "Create",
     .access = kAdmin, .body_kind = Body::kJson, .body = kCreate, .success = 201,
     .idempotent = true, .response = {"RepairUser"}},
    {.method = "DELETE", .path = "/v1/users/{uid}", .surface = Surface::kRepair,
     .summary = "Delete", .access = kAdmin, .path_params = kUid, .success = 204},
    {.method = "GET", .path = "/v1/users/", .surface = Surface::kRepair, .summary = "Alias",
     .access = endpoint::kAnyToken, .response = {"RepairUser", true}, .hidden = true},
};
constexpr Endpoint kUsersV1[] = {
    {.method = "POST", .path = "/api/v1/auth/login", .surface = Surface::kUsersV1,
     .summary = "Sign in", .body_kind = Body::kJsonOrForm, .body = kForm,
     .response = {"Token"}},
};
constexpr Endpoint kStreetlight[] = {
    {.method = "POST", .path = "/api/auth/register", .surface = Surface::kStreetlight,
     .summary = "Register", .body_kind = Body::kJson, .body = kCreate, .success = 201,
     .idempotent = true, .errors = kExists, .response = {"StreetlightAuth"}},
};
constexpr Endpoint kPisync[] = {
    {.method = "POST", .path = "/pisync/auth/login", .surface = Surface::kPisync,
     .summary = "Sign in", .body_kind = Body::kJson, .body = kForm, .response = {"PisyncAuth"}},
};

const endpoint::Table kTables[] = {kRental, kRepair, kUsersV1, kStreetlight, kPisync};

const json::object& doc() {
  static const json::object d = fleet::gateway::openapi::openapi_document(kTables);
  return d;
}

const json::object& op(std::string_view path, std::string_view method) {
  return doc().at("paths").at(path).at(method).as_object();
}

const json::object& response(std::string_view path, std::string_view method, int status) {
  return op(path, method).at("responses").at(std::to_string(status)).as_object();
}

json::value schema_of(const json::object& response) {
  return response.at("content").at("application/json").at("schema");
}

json::value ref(std::string_view name) {
  return json::object{{"$ref", "#/components/schemas/" + std::string(name)}};
}

const json::object* param(std::string_view path, std::string_view method, std::string_view in,
                          std::string_view name) {
  const auto& o = op(path, method);
  if (!o.contains("parameters")) return nullptr;
  for (const auto& p : o.at("parameters").as_array()) {
    if (p.at("in").as_string() == in && p.at("name").as_string() == name) return &p.as_object();
  }
  return nullptr;
}

std::set<std::string> statuses(std::string_view path, std::string_view method) {
  std::set<std::string> out;
  for (const auto& [status, r] : op(path, method).at("responses").as_object()) {
    out.emplace(status);
  }
  return out;
}

}  // namespace

TEST_CASE("openapi: the fake table's document passes the structural checks") {
  openapi_checks::check_document(doc(), kTables);
  // It is valid JSON text, the same document.
  CHECK(json::parse(fleet::gateway::openapi::openapi_json(kTables)) == json::value(doc()));
}

TEST_CASE("openapi: info, tags and the bearer scheme") {
  CHECK(doc().at("info").at("title") == "Fleetgate");
  CHECK_FALSE(doc().at("info").at("version").as_string().empty());
  std::vector<std::string> tags;
  for (const auto& t : doc().at("tags").as_array()) tags.emplace_back(t.at("name").as_string());
  CHECK(tags == std::vector<std::string>{"rental", "users-v1", "repair", "streetlight", "pisync"});
  const auto& bearer = doc().at("components").at("securitySchemes").at("bearerAuth");
  CHECK(bearer.at("type") == "http");
  CHECK(bearer.at("scheme") == "bearer");
  CHECK(bearer.at("bearerFormat") == "JWT");
}

TEST_CASE("openapi: paths, tags and operation ids, hidden rows are left out") {
  CHECK(op("/auth/token", "post").at("tags") == json::array{"rental"});
  CHECK(op("/v1/users", "get").at("tags") == json::array{"repair"});
  CHECK(op("/api/auth/register", "post").at("tags") == json::array{"streetlight"});
  CHECK(op("/user/{uid}", "patch").at("operationId") == "patch_user_uid");
  CHECK(op("/api/v1/auth/login", "post").at("operationId") == "post_api_v1_auth_login");
  CHECK(op("/user/{uid}", "get").at("summary") == "Read");
  CHECK_FALSE(doc().at("paths").as_object().contains("/v1/users/"));
  CHECK(fleet::gateway::openapi::operation_id("GET", "/api/v1/users/") ==
        "get_api_v1_users_slash");
}

TEST_CASE("openapi: security only where a token is needed") {
  const json::value bearer = json::array{json::object{{"bearerAuth", json::array{}}}};
  CHECK(op("/user/all", "get").at("security") == bearer);
  CHECK(op("/user/{uid}", "get").at("security") == bearer);
  CHECK(op("/device/ws/timeleft/{device_id}", "get").at("security") == bearer);
  CHECK_FALSE(op("/auth/token", "post").contains("security"));
  CHECK_FALSE(op("/pisync/auth/login", "post").contains("security"));
  CHECK(op("/user/all", "get").at("description").as_string().find("role admin") !=
        json::string::npos);
  CHECK(op("/user/{uid}", "get").at("description").as_string().find("`uid`") !=
        json::string::npos);
}

TEST_CASE("openapi: path and query parameters with type, bounds and defaults") {
  const auto* uid = param("/user/{uid}", "get", "path", "uid");
  REQUIRE(uid != nullptr);
  CHECK(uid->at("required") == true);
  CHECK(uid->at("schema").at("type") == "integer");
  CHECK(uid->at("schema").at("minimum") == 1);  // an integral bound is written as an integer

  // A template name the row does not validate is still declared, as a string.
  const auto* device = param("/device/stop/{device_id}", "post", "path", "device_id");
  REQUIRE(device != nullptr);
  CHECK(device->at("schema") == json::object{{"type", "string"}});

  const auto* limit = param("/v1/users", "get", "query", "limit");
  REQUIRE(limit != nullptr);
  CHECK(limit->at("required") == false);
  CHECK(limit->at("schema") == json::object{{"type", "integer"},
                                            {"format", "int64"},
                                            {"minimum", 1},
                                            {"maximum", 100},
                                            {"default", 10}});
  const auto* offset = param("/v1/users", "get", "query", "offset");
  REQUIRE(offset != nullptr);
  CHECK(offset->at("schema").at("default") == 0);
  CHECK_FALSE(offset->at("schema").as_object().contains("maximum"));

  // The WebSocket's token may come in the query.
  CHECK(param("/device/ws/timeleft/{device_id}", "get", "query", "token") != nullptr);
  CHECK(param("/user/all", "get", "query", "token") == nullptr);
}

TEST_CASE("openapi: X-Idempotency-Key on idempotent rows only") {
  const auto* key = param("/v1/users", "post", "header", "X-Idempotency-Key");
  REQUIRE(key != nullptr);
  CHECK(key->at("required") == false);
  CHECK(param("/api/auth/register", "post", "header", "X-Idempotency-Key") != nullptr);
  CHECK(param("/user/{uid}", "patch", "header", "X-Idempotency-Key") == nullptr);
  CHECK(param("/auth/token", "post", "header", "X-Idempotency-Key") == nullptr);
}

TEST_CASE("openapi: request bodies by kind, with field schemas and required fields") {
  const auto& create = op("/v1/users", "post").at("requestBody").as_object();
  CHECK(create.at("required") == true);
  const auto& content = create.at("content").as_object();
  CHECK(content.size() == 1);
  const auto& schema = content.at("application/json").at("schema");
  CHECK(schema.at("type") == "object");
  CHECK(schema.at("required") == json::array{"email"});
  CHECK(schema.at("properties").at("email") ==
        json::object{{"type", "string"}, {"format", "email"}, {"maxLength", 255}});
  CHECK(schema.at("properties").at("is_admin") == json::object{{"type", "boolean"}});

  // No required field: no `required` list (OpenAPI 3.0 forbids an empty one).
  const auto& patch = op("/user/{uid}", "patch").at("requestBody").at("content");
  const auto& patch_schema = patch.at("application/json").at("schema").as_object();
  CHECK_FALSE(patch_schema.contains("required"));
  CHECK(patch_schema.at("properties").at("cash") ==
        json::object{{"type", "number"}, {"minimum", 0}});

  const auto& form = op("/auth/token", "post").at("requestBody").at("content").as_object();
  CHECK(form.contains("application/x-www-form-urlencoded"));
  CHECK(form.contains("multipart/form-data"));
  CHECK_FALSE(form.contains("application/json"));
  CHECK(form.at("application/x-www-form-urlencoded").at("schema").at("required") ==
        json::array{"username", "password"});

  const auto& both = op("/api/v1/auth/login", "post").at("requestBody").at("content").as_object();
  CHECK(both.contains("application/json"));
  CHECK(both.contains("application/x-www-form-urlencoded"));

  CHECK_FALSE(op("/user/all", "get").contains("requestBody"));
  CHECK_FALSE(op("/device/stop/{device_id}", "post").contains("requestBody"));
}

TEST_CASE("openapi: the success response and its schema") {
  CHECK(schema_of(response("/auth/token", "post", 200)) == ref("RentalToken"));
  CHECK(schema_of(response("/user/all", "get", 200)) ==
        json::object{{"type", "array"}, {"items", ref("RentalUser")}});
  CHECK(schema_of(response("/v1/users", "post", 201)) == ref("RepairUser"));
  CHECK_FALSE(op("/v1/users", "post").at("responses").as_object().contains("200"));
  // 204: no content.
  CHECK_FALSE(response("/v1/users/{uid}", "delete", 204).contains("content"));
  // A WebSocket: 101, no content.
  CHECK(statuses("/device/ws/timeleft/{device_id}", "get").contains("101"));
  CHECK_FALSE(response("/device/ws/timeleft/{device_id}", "get", 101).contains("content"));
}

TEST_CASE("openapi: error statuses derived from the row, in the surface's error body") {
  // Public form sign-in: its rules (401, 403), 422 for the schema, 400 for an unparseable form.
  CHECK(statuses("/auth/token", "post") ==
        std::set<std::string>{"200", "400", "401", "403", "422"});
  CHECK(schema_of(response("/auth/token", "post", 422)) == ref("HTTPValidationError"));
  CHECK(schema_of(response("/auth/token", "post", 401)) == ref("HTTPError"));
  CHECK(response("/auth/token", "post", 401).at("description").as_string().find(
            "Incorrect username or password") != json::string::npos);

  // A token and nothing to validate: 401 and 403 only.
  CHECK(statuses("/user/all", "get") == std::set<std::string>{"200", "401", "403"});
  // Path parameters: 404 and 422.
  CHECK(statuses("/user/{uid}", "get") ==
        std::set<std::string>{"200", "401", "403", "404", "422"});
  // Idempotent, a 403 rule and a 400 rule: 409, and 422 for a reused key (besides the schema).
  CHECK(statuses("/device/stop/{device_id}", "post") ==
        std::set<std::string>{"200", "400", "401", "403", "404", "409", "422"});
  CHECK(schema_of(response("/device/stop/{device_id}", "post", 422)) ==
        json::object{{"oneOf", json::array{ref("HTTPValidationError"), ref("HTTPError")}}});
  CHECK(schema_of(response("/device/stop/{device_id}", "post", 409)) == ref("HTTPError"));
  // Query only.
  CHECK(statuses("/v1/users", "get") == std::set<std::string>{"200", "401", "403", "422"});

  // streetlight: schema failures are 400 in its own body; its rule adds to the 400; the key
  // mismatch is 422 in its body too.
  CHECK(statuses("/api/auth/register", "post") ==
        std::set<std::string>{"201", "400", "409", "422"});
  CHECK(schema_of(response("/api/auth/register", "post", 400)) == ref("StreetlightError"));
  CHECK(response("/api/auth/register", "post", 400).at("description").as_string().find(
            "User already exists") != json::string::npos);
  CHECK(schema_of(response("/api/auth/register", "post", 422)) == ref("StreetlightError"));

  // pisync.
  CHECK(statuses("/pisync/auth/login", "post") == std::set<std::string>{"200", "400"});
  CHECK(schema_of(response("/pisync/auth/login", "post", 400)) == ref("PisyncError"));
}

TEST_CASE("openapi: the error body schemas") {
  const auto& s = doc().at("components").at("schemas");
  CHECK(s.at("HTTPError").at("properties").at("detail").at("type") == "string");
  CHECK(s.at("StreetlightError").at("required") == json::array{"status", "message", "data"});
  CHECK(s.at("StreetlightError").at("properties").at("status").at("type") == "integer");
  CHECK(s.at("StreetlightError").at("properties").at("data").at("nullable") == true);
  CHECK(s.at("PisyncError").at("properties").as_object().size() == 1);
  CHECK(s.at("HTTPValidationError").at("properties").at("detail").at("items") ==
        ref("ValidationError"));
}

TEST_CASE("openapi: response schemas have the documents' fields and JSON types") {
  using fleet::gateway::openapi::find_schema;
  auto props = [](std::string_view name) {
    const auto* s = find_schema(name);
    REQUIRE(s != nullptr);
    return s->at("properties").as_object();
  };
  auto names = [](const json::object& o) {
    std::vector<std::string> out;
    for (const auto& [k, v] : o) out.emplace_back(k);
    return out;
  };
  CHECK(names(props("RentalUser")) ==
        std::vector<std::string>{"uid", "name", "cash", "creation_time", "is_admin"});
  CHECK(props("RentalUser").at("cash").at("type") == "number");
  CHECK(names(props("RentalDevice")) ==
        std::vector<std::string>{"id", "name", "type", "hourly_cost", "user_id", "end_time",
                                 "time_left"});
  CHECK(props("RentalDevice").at("time_left").at("nullable") == true);
  CHECK(props("RentalDevice").at("user_id").at("nullable") == true);
  // PLATFORM.md: an account without an email shows null, and the schema says so.
  CHECK(props("UsersV1User").at("email").at("nullable") == true);
  CHECK_FALSE(props("UsersV1User").at("username").as_object().contains("nullable"));
  CHECK(props("RepairUser").at("phone").at("nullable") == true);
  CHECK(props("RepairUser").at("profile_picture").at("nullable") == true);
  CHECK(names(props("RepairUser")) ==
        std::vector<std::string>{"id", "full_name", "phone", "email", "profile_picture",
                                 "is_active", "is_staff", "created_at"});
  CHECK(props("StreetlightUser").at("id").at("type") == "string");  // "1", as documented
  CHECK(names(props("PisyncAuth")) == std::vector<std::string>{"message", "token"});
  CHECK(names(props("RentalToken")) ==
        std::vector<std::string>{"access_token", "token_type", "user_id"});
  CHECK(props("RepairRefresh").at("refresh_token").at("type") == "string");
  CHECK(find_schema("RepairRefresh")->at("required") ==
        json::array{"access_token", "token_type"});  // refresh_token only with rotation
}

TEST_CASE("openapi: every named schema's references resolve") {
  const auto& schemas = fleet::gateway::openapi::named_schemas();
  std::set<std::string> refs;
  openapi_checks::collect_refs(json::value(schemas), refs);
  for (const auto& r : refs) {
    INFO(r);
    CHECK(schemas.contains(r.substr(std::string("#/components/schemas/").size())));
  }
  for (const auto& [name, schema] : schemas) {
    INFO(std::string(name));
    CHECK(schema.at("type") == "object");
    // A required name is a property.
    if (schema.as_object().contains("required")) {
      for (const auto& r : schema.at("required").as_array()) {
        CHECK(schema.at("properties").as_object().contains(r.as_string()));
      }
    }
  }
}

TEST_CASE("openapi: a row naming an unknown response schema is refused") {
  constexpr Endpoint kBad[] = {{.method = "GET", .path = "/x", .surface = Surface::kRental,
                                .summary = "x", .response = {"NoSuchSchema"}}};
  const endpoint::Table tables[] = {kBad};
  CHECK_THROWS_AS(fleet::gateway::openapi::openapi_json(tables), std::logic_error);
  CHECK_THROWS_WITH(fleet::gateway::openapi::openapi_json(tables),
                    Catch::Contains("NoSuchSchema") && Catch::Contains("GET /x"));
}

TEST_CASE("openapi: the same operation twice is refused") {
  constexpr Endpoint kTwice[] = {
      {.method = "GET", .path = "/x", .surface = Surface::kRental, .summary = "x"},
      {.method = "GET", .path = "/x", .surface = Surface::kRental, .summary = "again"}};
  const endpoint::Table tables[] = {kTwice};
  CHECK_THROWS_AS(fleet::gateway::openapi::openapi_json(tables), std::logic_error);
}

TEST_CASE("openapi: path template parameters") {
  using fleet::gateway::openapi::path_template_params;
  CHECK(path_template_params("/a/{x}/b/{y}") == std::vector<std::string_view>{"x", "y"});
  CHECK(path_template_params("/a").empty());
}
