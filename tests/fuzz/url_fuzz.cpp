// Request targets as the gateway routes them: the target split into path and query, the path
// into percent-decoded segments, the surface chosen by prefix, the route found in a table of the
// surfaces' real patterns, then the path id and the query validated as a row's schema does
// (int parsing, bounds, defaults, enums). Input: the request target, e.g. "/v1/orders?limit=5".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "http/message.h"
#include "http/url.h"
#include "router/router.h"
#include "router/surface.h"
#include "schema_table.h"
#include "validation/schema.h"
#include "values_check.h"

namespace {

using fleet::gateway::router::Router;

// Every method and pattern of the surfaces' endpoint tables (gateway/src/surfaces/*.cpp), which
// live in the gRPC-linked library; the router code under test is the real one.
constexpr std::string_view kRoutes[] = {
    "DELETE /api/v1/users/{user_id}", "DELETE /user/{uid}", "DELETE /v1/assigns/{assign_id}",
    "DELETE /v1/devices/{device_id}", "DELETE /v1/orders/{order_id}",
    "DELETE /v1/payments/{payment_id}", "DELETE /v1/users/{user_id}", "GET /api/lights/detail",
    "GET /api/lights/list", "GET /api/lights/map", "GET /api/lights/summary", "GET /api/v1/users",
    "GET /api/v1/users/", "GET /api/v1/users/{user_id}", "GET /device/all",
    "GET /device/{device_id}", "GET /pisync/devices", "GET /pisync/devices/{id}", "GET /user/all",
    "GET /user/{uid}", "GET /v1/assigns", "GET /v1/assigns/{assign_id}", "GET /v1/devices",
    "GET /v1/devices/brands", "GET /v1/devices/models", "GET /v1/devices/types",
    "GET /v1/devices/{device_id}", "GET /v1/orders", "GET /v1/orders/assign/{order_id}",
    "GET /v1/orders/{order_id}", "GET /v1/payments", "GET /v1/payments/{payment_id}",
    "GET /v1/users", "GET /v1/users/{user_id}", "PATCH /user/{uid}",
    "PATCH /v1/devices/{device_id}", "PATCH /v1/orders/{order_id}",
    "PATCH /v1/payments/{payment_id}", "PATCH /v1/users/{user_id}", "POST /api/auth/login",
    "POST /api/auth/register", "POST /api/lights/control", "POST /api/lights/update-status",
    "POST /api/v1/auth/login", "POST /api/v1/auth/register", "POST /auth/token",
    "POST /device/start/{device_id}", "POST /device/stop/{device_id}", "POST /pisync/auth/login",
    "POST /pisync/auth/register", "POST /user", "POST /v1/assigns", "POST /v1/auth/login",
    "POST /v1/auth/logout", "POST /v1/auth/refresh", "POST /v1/auth/register", "POST /v1/devices",
    "POST /v1/devices/brands", "POST /v1/devices/models", "POST /v1/devices/types",
    "POST /v1/orders", "POST /v1/orders/assign", "POST /v1/payments", "POST /v1/users",
    "PUT /api/v1/users/{user_id}"};

const Router<std::string_view>& routes() {
  static const auto* router = [] {
    auto* r = new Router<std::string_view>;
    for (auto route : kRoutes) {
      const auto space = route.find(' ');
      r->add(std::string(route.substr(0, space)), route.substr(space + 1), route);
    }
    return r;
  }();
  return *router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = fleet::gateway::http;
  namespace validation = fleet::gateway::validation;
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  std::string path, query;
  http::split_target(target, path, query);
  FUZZ_REQUIRE(path.size() + query.size() <= target.size());
  (void)fleet::gateway::surface_for_path(path);

  const auto segments = http::split_path(path);
  for (const auto& segment : segments) FUZZ_REQUIRE(segment.size() <= path.size());
  for (std::string_view method : {"GET", "POST", "DELETE"}) {
    auto match = routes().find(method, segments);
    if (match.kind == fleet::gateway::router::MatchKind::kMethodNotAllowed) {
      FUZZ_REQUIRE(!match.allowed.empty());
    }
    if (match.kind != fleet::gateway::router::MatchKind::kFound) continue;
    FUZZ_REQUIRE(match.handler != nullptr);
    // A path id as the rows declare theirs, e.g. {order_id} >= 1.
    const std::string_view pattern = *match.handler;
    const auto open = pattern.find('{');
    if (open == std::string_view::npos) continue;
    const auto name = pattern.substr(open + 1, pattern.find('}') - open - 1);
    const validation::Field id[] = {validation::id_field(name)};
    const auto value = match.params.get(name);
    FUZZ_REQUIRE(value.has_value());  // a matched {param} always has its value
    http::ParamList ids;
    ids.add(std::string(name), std::string(*value));
    fleet::fuzz::check_values(validation::validate_params(ids, id, "path"), id);
  }

  const auto params = http::parse_urlencoded(query);
  for (const auto& [name, schema] : fleet::fuzz::kSchemas) {
    if (!name.ends_with("_query")) continue;
    fleet::fuzz::check_values(validation::validate_params(params, schema, "query"), schema);
  }
  return 0;
}
