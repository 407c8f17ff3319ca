// streetlight (/api): email sign-in. role viewer = user. Self-registration creates viewers; any
// other role needs an admin's token. Errors: {"status":N,"message":"text","data":null}.
#include <boost/json/object.hpp>

#include "app/support.h"
#include "render/accounts.h"
#include "surfaces/routes.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

using app::Context;
namespace json = boost::json;
namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
using Awaitable = boost::asio::awaitable<http::Response>;

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
Awaitable register_user(Context& ctx) {
  auto outcome = validation::validate_json_body(ctx.request, kStreetlightRegister);
  if (!outcome.ok()) app::fail(400, streetlight_register_problem(outcome.issues));
  auto key = app::idempotency_key_or_fail(ctx, 400);
  const auto& body = outcome.values;
  auto role = role_named(body.string("role").value_or("viewer"));
  if (!role) app::fail(400, "Invalid role");
  std::string caller(app::kAnonymousCaller);
  if (*role != userpb::ROLE_USER) {
    // Without a token: 403. A token that is presented must be valid (401 otherwise) and an
    // admin's (403 otherwise).
    if (ctx.request.header("Authorization").empty()) app::forbidden(ctx);
    auto claims = app::require_token(ctx);
    auto principal = co_await app::load_principal(ctx, claims);
    if (!render::is_admin(principal.role())) app::forbidden(ctx);
    caller = std::to_string(principal.id());
  }

  authpb::RegisterRequest request;
  auto* account = request.mutable_account();
  account->set_full_name(*body.string("name"));
  account->set_email(*body.string("email"));
  account->set_city(*body.string("city"));
  account->set_role(*role);
  request.set_password(*body.string("password"));
  request.set_issue_access_token(true);
  const auto idempotency = app::idempotency_for(ctx, key, caller);
  auto reply = co_await ctx.services.backend.Register(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers, 400);
  if (reply.status.error_code() == grpc::StatusCode::ALREADY_EXISTS)
    app::fail(400, "User already exists");
  auto created = app::take(std::move(reply), "auth.Register");
  json::object data{{"token", created.access_token()},
                    {"user", render::streetlight_user(created.account())}};
  co_return app::mark_replayed(
      app::json(201, envelope(201, "User registered successfully", std::move(data))), replayed);
}

// POST /api/auth/login {"email","password"}
Awaitable login(Context& ctx) {
  auto outcome = validation::validate_json_body(ctx.request, kStreetlightLogin);
  if (!outcome.ok()) app::fail(400, streetlight_login_problem(outcome.issues));
  authpb::LoginRequest request;
  request.set_email(*outcome.values.string("email"));
  request.set_password(*outcome.values.string("password"));
  auto reply = co_await ctx.services.backend.Login(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::UNAUTHENTICATED)
    app::fail(401, "Invalid credentials");
  auto session = app::take(std::move(reply), "auth.Login");
  json::object data{{"token", session.access_token()},
                    {"user", render::streetlight_user(session.account())}};
  co_return app::json(200, envelope(200, "Login successful", std::move(data)));
}

}  // namespace

void add_streetlight_routes(app::Routes& routes) {
  routes.add("POST", "/api/auth/register", register_user);
  routes.add("POST", "/api/auth/login", login);
}

}  // namespace fleet::gateway::surfaces
