// streetlight (/api): email sign-in. role viewer = user. Self-registration creates viewers; any
// other role needs an admin's token. Errors: {"status":N,"message":"text","data":null}.

#include "app/support.h"
#include "endpoint/pipeline.h"
#include "render/accounts.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

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
    auto claims = app::require_token(call.ctx);
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

constexpr endpoint::ErrorRule kRegisterErrors[] = {
    {grpc::StatusCode::ALREADY_EXISTS, 400, "User already exists"}};
constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Invalid credentials"}};
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
};

}  // namespace

endpoint::Table streetlight_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
