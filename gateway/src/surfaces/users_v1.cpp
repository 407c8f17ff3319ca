// users-v1 (/api/v1): username sign-in (JSON or form), registration, and account management.
// is_superuser = role admin. Listing: superuser; read, update, delete: oneself or a superuser.
#include <boost/json/array.hpp>
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

json::object bearer(const std::string& access_token) {
  return json::object{{"access_token", access_token}, {"token_type", "bearer"}};
}

void require_self_or_superuser(const Context& ctx, const userpb::Account& principal,
                               std::int64_t id) {
  if (principal.id() != id && !render::is_admin(principal.role())) app::forbidden(ctx);
}

// POST /api/v1/auth/login {"username","password"} as JSON or form fields
Awaitable login(Context& ctx) {
  validation::Issues issues;
  auto body = app::json_or_form_values(ctx, kUsersV1Login, issues);
  app::throw_if_invalid(issues);
  authpb::LoginRequest request;
  request.set_username(*body.string("username"));
  request.set_password(*body.string("password"));
  auto reply = co_await ctx.services.backend.Login(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    app::fail(401, "Incorrect username or password");
  }
  auto session = app::take(std::move(reply), "auth.Login");
  co_return app::json(200, bearer(session.access_token()));
}

// POST /api/v1/auth/register {"email","username","password","full_name"?}
Awaitable register_user(Context& ctx) {
  validation::Issues issues;
  auto key = app::idempotency_key(ctx, issues);
  auto body = app::json_values(ctx, kUsersV1Register, issues);
  app::throw_if_invalid(issues);
  authpb::RegisterRequest request;
  auto* account = request.mutable_account();
  account->set_email(*body.string("email"));
  account->set_username(*body.string("username"));
  if (auto full_name = body.string("full_name")) account->set_full_name(*full_name);
  account->set_role(userpb::ROLE_USER);
  request.set_password(*body.string("password"));
  request.set_issue_access_token(true);
  const auto idempotency = app::idempotency_for(ctx, key, app::kAnonymousCaller);
  auto reply = co_await ctx.services.backend.Register(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers);
  auto created = app::take(std::move(reply), "auth.Register");
  co_return app::mark_replayed(app::json(200, bearer(created.access_token())), replayed);
}

// GET /api/v1/users/?skip=0&limit=100 (superuser)
Awaitable list_users(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto query = app::query_values(ctx, kUsersV1ListQuery, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  if (!render::is_admin(principal.role())) app::forbidden(ctx);
  auto accounts = co_await app::list_accounts(ctx, *query.integer("skip"), *query.integer("limit"));
  json::array out;
  for (const auto& account : accounts) out.push_back(render::users_v1_user(account));
  co_return app::json(200, std::move(out));
}

// GET /api/v1/users/{user_id} (self or superuser)
Awaitable get_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  const auto id = app::require_path_id(ctx, "user_id");
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_superuser(ctx, principal, id);
  if (id == principal.id()) co_return app::json(200, render::users_v1_user(principal));
  auto account = co_await app::get_account(ctx, id);
  co_return app::json(200, render::users_v1_user(account));
}

// PUT /api/v1/users/{user_id} (self or superuser) {"email"?,"username"?,"full_name"?,"password"?}
Awaitable update_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto id = app::path_id(ctx, "user_id", issues);
  auto body = app::json_values(ctx, kUsersV1Update, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_superuser(ctx, principal, *id);

  userpb::UpdateUserRequest update;
  update.set_id(*id);
  bool changes = false;
  if (auto v = body.string("email")) update.set_email(*v), changes = true;
  if (auto v = body.string("username")) update.set_username(*v), changes = true;
  if (auto v = body.string("full_name")) update.set_full_name(*v), changes = true;
  userpb::Account account;
  if (changes) {
    account = co_await app::update_account(ctx, update);
  } else {
    account = co_await app::get_account(ctx, *id);
  }
  if (auto password = body.string("password")) co_await app::set_password(ctx, *id, *password);
  co_return app::json(200, render::users_v1_user(account));
}

// DELETE /api/v1/users/{user_id} (self or superuser)
Awaitable delete_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  const auto id = app::require_path_id(ctx, "user_id");
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_superuser(ctx, principal, id);
  co_await app::delete_account(ctx, id);
  co_return app::json(200, json::object{{"message", "User deleted successfully"}});
}

}  // namespace

void add_users_v1_routes(app::Routes& routes) {
  routes.add("POST", "/api/v1/auth/login", login);
  routes.add("POST", "/api/v1/auth/register", register_user);
  routes.add("GET", "/api/v1/users/", list_users);
  routes.add("GET", "/api/v1/users", list_users);
  routes.add("GET", "/api/v1/users/{user_id}", get_user);
  routes.add("PUT", "/api/v1/users/{user_id}", update_user);
  routes.add("DELETE", "/api/v1/users/{user_id}", delete_user);
}

}  // namespace fleet::gateway::surfaces
