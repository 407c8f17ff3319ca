// streetlight (/api): email sign-in. role viewer = user. Self-registration creates viewers; any
// other role needs an admin's token. Errors: {"status":N,"message":"text","data":null}.
// Lights (/api/lights/...) are served by the streetlight service: every signed-in account reads
// (`city` defaults to the caller's city), operators and admins control and report statuses, and
// both POSTs honour X-Idempotency-Key (a replay writes no second log). Bodies are rendered from
// the service's messages alone, so a replayed response is byte for byte the first.

#include <algorithm>

#include "app/support.h"
#include "endpoint/pipeline.h"
#include "render/accounts.h"
#include "render/json_writer.h"
#include "render/time.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

using upstream::StreetlightRpc;
namespace slpb = upstream::slpb;

std::optional<userpb::Role> role_named(std::string_view name) {
  if (name == "viewer") return userpb::ROLE_USER;
  if (name == "operator") return userpb::ROLE_OPERATOR;
  if (name == "admin") return userpb::ROLE_ADMIN;
  return std::nullopt;
}

json::object envelope(int status, std::string_view message, json::value data) {
  return json::object{{"status", status}, {"message", message}, {"data", std::move(data)}};
}

// POST /api/auth/register {"name","email","password","city","role"?}; a role other than viewer
// needs an admin's token.
Awaitable register_user(Call& call) {
  auto role = role_named(call.body.string("role").value_or("viewer"));
  if (!role) call.fail(400, "Invalid role");
  if (*role != userpb::ROLE_USER) {
    // Without a token: 403. A token that is presented must be valid (401 otherwise) and an
    // admin's (403 otherwise). The key is then stored under the admin's id.
    if (call.ctx.request.header("Authorization").empty()) call.forbid();
    auto claims = co_await app::require_token(call.ctx);
    call.principal = co_await endpoint::load_principal(call.ctx, claims.user_id);
    if (!render::is_admin(call.me().role())) call.forbid();
  }
  authpb::RegisterRequest request;
  auto* account = request.mutable_account();
  account->set_full_name(*call.body.string("name"));
  account->set_email(*call.body.string("email"));
  account->set_city(*call.body.string("city"));
  account->set_role(*role);
  request.set_password(*call.body.string("password"));
  request.set_issue_access_token(true);
  auto created = co_await endpoint::register_account(call, request);
  json::object data{{"token", created.access_token()},
                    {"user", render::streetlight_user(created.account())}};
  co_return call.json(envelope(201, "User registered successfully", std::move(data)));
}

// POST /api/auth/login {"email","password"}
Awaitable login(Call& call) {
  authpb::LoginRequest request;
  request.set_email(*call.body.string("email"));
  request.set_password(*call.body.string("password"));
  auto session = co_await endpoint::login(call, request);
  json::object data{{"token", session.access_token()},
                    {"user", render::streetlight_user(session.account())}};
  co_return call.json(envelope(200, "Login successful", std::move(data)));
}

// --- lights ---------------------------------------------------------------------------

using render::JsonWriter;

void write_time(JsonWriter& out, const google::protobuf::Timestamp& t) {
  out.string(render::format_time(t.seconds(), t.nanos(), render::TimeStyle::kSecondsZ));
}

void write_light(JsonWriter& out, const slpb::Light& l) {
  out.begin_object();
  out.key("id").integer(l.id());
  out.key("light_id").string(l.light_id());
  out.key("name").string(l.name());
  out.key("city").string(l.city());
  out.key("latitude").floating(l.latitude());
  out.key("longitude").floating(l.longitude());
  out.key("address").string(l.address());
  out.key("status").string(l.status());
  out.key("is_automatic").boolean(l.is_automatic());
  out.key("brightness").integer(l.brightness());
  out.key("last_status_change");
  write_time(out, l.last_status_change());
  out.key("error_details");
  if (l.has_error_details()) {
    out.string(l.error_details());
  } else {
    out.null();
  }
  out.end_object();
}

void write_log(JsonWriter& out, const slpb::ControlLog& g) {
  out.begin_object();
  out.key("id").integer(g.id());
  out.key("light_id").string(g.light_id());
  out.key("action").string(g.action());
  out.key("performed_by").string(g.performed_by());
  out.key("control_type").string(g.control_type());
  out.key("previous_status").string(g.previous_status());
  out.key("new_status").string(g.new_status());
  out.key("created_at");
  write_time(out, g.created_at());
  out.end_object();
}

// {"status": 200, "message": ..., "data": <written by `data`>}
template <typename Data>
std::string enveloped(std::string_view message, Data&& data) {
  JsonWriter out;
  out.begin_object();
  out.key("status").integer(200);
  out.key("message").string(message);
  out.key("data");
  data(out);
  out.end_object();
  return out.take();
}

// The `city` query parameter, or the caller's own city; "" (every city) when neither is set.
std::string city_of(const Call& call) {
  if (auto city = call.query.string("city")) return *city;
  return call.me().has_city() ? call.me().city() : std::string();
}

// The part of a cached read's key that depends on the caller: their city when the query names
// none (an account's city can change, so not its id).
std::string city_vary(const Call& call) {
  if (call.query.string("city")) return {};
  return "city:" + city_of(call);
}
// Reads the gateway may keep while the streetlight change feed says the lights are unchanged
// (every control and status report publishes "lights").
constexpr endpoint::Caching kByCityCache{
    .service = "streetlight", .topic = "lights", .vary = city_vary};
constexpr endpoint::Caching kLightCache{.service = "streetlight", .topic = "lights"};

// The caller as the control log names them: their email, else their username.
std::string performer(const Call& call) {
  return call.me().has_email() && !call.me().email().empty() ? call.me().email()
                                                             : call.me().username();
}

// GET /api/lights/list?city=
Awaitable list_lights(Call& call) {
  slpb::ListLightsRequest request;
  request.set_city(city_of(call));
  auto found = co_await call.rpc(&StreetlightRpc::ListLights, request);
  co_return call.raw_json(enveloped("Lights retrieved successfully", [&](JsonWriter& out) {
    out.begin_array();
    for (const auto& light : found.lights()) write_light(out, light);
    out.end_array();
  }));
}

// GET /api/lights/detail?lightId=
Awaitable light_detail(Call& call) {
  slpb::GetLightRequest request;
  request.set_light_id(*call.query.string("lightId"));
  auto found = co_await call.rpc(&StreetlightRpc::GetLight, request);
  co_return call.raw_json(enveloped("Light details retrieved", [&](JsonWriter& out) {
    out.begin_object();
    out.key("light");
    write_light(out, found.light());
    out.key("recentLogs").begin_array();
    for (const auto& log : found.recent_logs()) write_log(out, log);
    out.end_array();
    out.end_object();
  }));
}

// GET /api/lights/summary?city=
Awaitable city_summary(Call& call) {
  slpb::GetCitySummaryRequest request;
  request.set_city(city_of(call));
  auto found = co_await call.rpc(&StreetlightRpc::GetCitySummary, request);
  const auto& s = found.summary();
  co_return call.raw_json(enveloped("City summary retrieved", [&](JsonWriter& out) {
    out.begin_object();
    out.key("id").integer(s.id());
    out.key("city").string(s.city());
    out.key("total_lights").integer(s.total_lights());
    out.key("lights_on").integer(s.lights_on());
    out.key("lights_off").integer(s.lights_off());
    out.key("lights_in_error").integer(s.lights_in_error());
    out.key("last_updated");
    write_time(out, s.last_updated());
    out.end_object();
  }));
}

// GET /api/lights/map?city=
Awaitable light_map(Call& call) {
  slpb::GetMapRequest request;
  request.set_city(city_of(call));
  auto found = co_await call.rpc(&StreetlightRpc::GetMap, request);
  co_return call.raw_json(enveloped("Map data retrieved", [&](JsonWriter& out) {
    out.begin_array();
    for (const auto& p : found.points()) {
      out.begin_object();
      out.key("light_id").string(p.light_id());
      out.key("name").string(p.name());
      out.key("location").begin_object();
      out.key("latitude").floating(p.latitude());
      out.key("longitude").floating(p.longitude());
      out.end_object();
      out.key("status").string(p.status());
      out.end_object();
    }
    out.end_array();
  }));
}

// POST /api/lights/control {"lightId","action":"on"|"off"}
Awaitable control_light(Call& call) {
  slpb::ControlLightRequest request;
  request.set_light_id(*call.body.string("lightId"));
  request.set_action(*call.body.string("action"));
  request.set_performed_by(performer(call));
  auto changed = co_await call.effect(&StreetlightRpc::ControlLight, request);
  const auto& l = changed.light();
  co_return call.raw_json(enveloped("Light turned " + l.status(), [&](JsonWriter& out) {
    out.begin_object();
    out.key("light_id").string(l.light_id());
    out.key("status").string(l.status());
    out.key("is_automatic").boolean(l.is_automatic());
    out.key("last_status_change");
    write_time(out, l.last_status_change());
    out.end_object();
  }));
}

// POST /api/lights/update-status {"lightId","status":"on"|"off"|"error","errorDetails"?}
Awaitable update_status(Call& call) {
  slpb::UpdateLightStatusRequest request;
  request.set_light_id(*call.body.string("lightId"));
  request.set_status(*call.body.string("status"));
  if (auto details = call.body.string("errorDetails")) request.set_error_details(*details);
  request.set_performed_by(performer(call));
  auto changed = co_await call.effect(&StreetlightRpc::UpdateLightStatus, request);
  const auto& l = changed.light();
  co_return call.raw_json(enveloped("Light status updated", [&](JsonWriter& out) {
    out.begin_object();
    out.key("light_id").string(l.light_id());
    out.key("status").string(l.status());
    out.key("error_details");
    if (l.has_error_details()) {
      out.string(l.error_details());
    } else {
      out.null();
    }
    out.key("last_status_change");
    write_time(out, l.last_status_change());
    out.end_object();
  }));
}

// The field an issue is about ("" for the body itself).
std::string_view issue_field(const validation::Issue& issue) {
  if (issue.loc.size() == 2 && issue.loc[1].is_string()) return issue.loc[1].get_string();
  return {};
}
bool has_issue(const validation::Issues& issues, std::string_view type,
               std::string_view field = {}) {
  return std::any_of(issues.begin(), issues.end(), [&](const validation::Issue& i) {
    return i.type == type && (field.empty() || issue_field(i) == field);
  });
}
// Absent, empty, or not a string: read as missing, as the original's `!$input['x']` did.
bool missing_like(const validation::Issue& issue) {
  return issue.type == "missing" || issue.type == "string_too_short" ||
         issue.type == "string_type" || issue.type == "model_attributes_type";
}
bool any_missing(const validation::Issues& issues, std::initializer_list<std::string_view> fields) {
  return std::any_of(issues.begin(), issues.end(), [&](const validation::Issue& i) {
    return missing_like(i) &&
           (issue_field(i).empty() ||
            std::find(fields.begin(), fields.end(), issue_field(i)) != fields.end());
  });
}

std::string city_problem(const validation::Issues&) { return "Invalid city"; }
std::string detail_problem(const validation::Issues& issues) {
  if (any_missing(issues, {"lightId"})) return "Light ID not provided";
  return "Invalid lightId";
}
std::string control_problem(const validation::Issues& issues) {
  if (has_issue(issues, "json_invalid")) return "Invalid JSON body";
  if (any_missing(issues, {"lightId", "action"})) return "Missing lightId or action";
  if (has_issue(issues, "enum", "action")) return "Action must be 'on' or 'off'";
  return "Invalid lightId";
}
std::string update_status_problem(const validation::Issues& issues) {
  if (has_issue(issues, "json_invalid")) return "Invalid JSON body";
  if (any_missing(issues, {"lightId", "status"})) return "Missing required fields";
  if (has_issue(issues, "enum", "status")) return "Status must be 'on', 'off' or 'error'";
  for (const auto& issue : issues) {
    if (issue_field(issue) == "errorDetails") {
      return "Error details must be a string of 1 to 500 characters";
    }
  }
  return "Invalid lightId";
}

constexpr std::size_t kMaxLightId = 32;
constexpr std::size_t kMaxCity = 128;
constexpr std::string_view kActions[] = {"on", "off"};
constexpr std::string_view kStatuses[] = {"on", "off", "error"};
constexpr validation::Field kCityQuery[] = {
    {.name = "city", .max_length = kMaxCity,
     .description = "City (case-insensitive); the caller's city when absent"}};
constexpr validation::Field kDetailQuery[] = {
    {.name = "lightId", .required = true, .max_length = kMaxLightId,
     .description = "Light ID, e.g. SL001"}};
constexpr validation::Field kControlBody[] = {
    {.name = "lightId", .required = true, .max_length = kMaxLightId},
    {.name = "action", .type = validation::Type::kEnum, .required = true, .choices = kActions}};
constexpr validation::Field kUpdateStatusBody[] = {
    {.name = "lightId", .required = true, .max_length = kMaxLightId},
    {.name = "status", .type = validation::Type::kEnum, .required = true, .choices = kStatuses},
    {.name = "errorDetails", .max_length = 500}};
constexpr auto kOperator = endpoint::at_least(userpb::ROLE_OPERATOR);

constexpr endpoint::ErrorRule kRegisterErrors[] = {
    {grpc::StatusCode::ALREADY_EXISTS, 400, "User already exists"}, endpoint::kTooManyRequests};
constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Invalid credentials"}, endpoint::kTooManyRequests};
constexpr auto S = Surface::kStreetlight;
using endpoint::Body;

constexpr endpoint::Endpoint kRows[] = {
    {.method = "POST", .path = "/api/auth/register", .surface = S,
     .summary = "Register (a viewer; another role needs an admin's token)",
     .body_kind = Body::kJson, .body = kStreetlightRegister, .success = 201, .idempotent = true,
     .errors = kRegisterErrors, .response = {"StreetlightAuth"},
     .problem = streetlight_register_problem, .run = register_user},
    {.method = "POST", .path = "/api/auth/login", .surface = S,
     .summary = "Sign in with email and password", .body_kind = Body::kJson,
     .body = kStreetlightLogin, .errors = kLoginErrors, .response = {"StreetlightAuth"},
     .problem = streetlight_login_problem, .run = login},
    {.method = "GET", .path = "/api/lights/list", .surface = S,
     .summary = "List a city's lights (the caller's city by default)", .access = endpoint::kAnyToken,
     .query = kCityQuery, .response = {"StreetlightLightList"}, .problem = city_problem,
     .run = list_lights, .cache = kByCityCache},
    {.method = "GET", .path = "/api/lights/detail", .surface = S,
     .summary = "Read a light and its recent control logs", .access = endpoint::kAnyToken,
     .query = kDetailQuery, .response = {"StreetlightLightDetail"}, .problem = detail_problem,
     .run = light_detail, .cache = kLightCache},
    {.method = "GET", .path = "/api/lights/summary", .surface = S,
     .summary = "Count a city's lights by status (the caller's city by default)",
     .access = endpoint::kAnyToken, .query = kCityQuery, .response = {"StreetlightCitySummary"},
     .problem = city_problem, .run = city_summary, .cache = kByCityCache},
    {.method = "GET", .path = "/api/lights/map", .surface = S,
     .summary = "A city's lights as map points (the caller's city by default)",
     .access = endpoint::kAnyToken, .query = kCityQuery, .response = {"StreetlightMap"},
     .problem = city_problem, .run = light_map, .cache = kByCityCache},
    {.method = "POST", .path = "/api/lights/control", .surface = S,
     .summary = "Turn a light on or off by hand (operator or admin)", .access = kOperator,
     .body_kind = Body::kJson, .body = kControlBody, .idempotent = true,
     .response = {"StreetlightControl"}, .problem = control_problem, .run = control_light},
    {.method = "POST", .path = "/api/lights/update-status", .surface = S,
     .summary = "Report a light's status: on, off or error (operator or admin)",
     .access = kOperator, .body_kind = Body::kJson, .body = kUpdateStatusBody, .idempotent = true,
     .response = {"StreetlightStatusUpdate"}, .problem = update_status_problem,
     .run = update_status},
};

}  // namespace

endpoint::Table streetlight_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
