// repair (/v1): phone sign-in with refresh tokens, and account management.
// is_staff = role operator or admin. Staff manage accounts; a customer reads only their own.
// Only an admin creates accounts, sends is_staff, or touches an admin account.
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
using render::is_admin;
using render::is_staff;

constexpr std::string_view kBadRefresh = "Invalid or expired refresh token";

// A refresh token the auth service does not accept is 401 with the document's text.
bool is_rejected_token(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::NOT_FOUND ||
         code == grpc::StatusCode::INVALID_ARGUMENT;
}

// POST /v1/auth/register {"full_name","phone","email","password"} -> 201 User
Awaitable register_user(Context& ctx) {
  validation::Issues issues;
  auto key = app::idempotency_key(ctx, issues);
  auto body = app::json_values(ctx, kRepairRegister, issues);
  app::throw_if_invalid(issues);
  authpb::RegisterRequest request;
  auto* account = request.mutable_account();
  account->set_full_name(*body.string("full_name"));
  account->set_phone(*body.string("phone"));
  account->set_email(*body.string("email"));
  account->set_role(userpb::ROLE_USER);
  request.set_password(*body.string("password"));
  const auto idempotency = app::idempotency_for(ctx, key, app::kAnonymousCaller);
  auto reply = co_await ctx.services.backend.Register(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers);
  auto created = app::take(std::move(reply), "auth.Register");
  co_return app::mark_replayed(app::json(201, render::repair_user(created.account())), replayed);
}

// POST /v1/auth/login {"phone","password"} -> {"user","tokens"}
Awaitable login(Context& ctx) {
  validation::Issues issues;
  auto body = app::json_values(ctx, kRepairLogin, issues);
  app::throw_if_invalid(issues);
  authpb::LoginRequest request;
  request.set_phone(*body.string("phone"));
  request.set_password(*body.string("password"));
  request.set_issue_refresh_token(true);
  auto reply = co_await ctx.services.backend.Login(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::UNAUTHENTICATED)
    app::fail(401, "Invalid credentials");
  if (reply.status.error_code() == grpc::StatusCode::PERMISSION_DENIED)
    app::fail(403, "User is inactive");
  auto session = app::take(std::move(reply), "auth.Login");
  json::object tokens{{"access_token", session.access_token()},
                      {"refresh_token", session.refresh_token()},
                      {"token_type", "bearer"}};
  co_return app::json(200, json::object{{"user", render::repair_user(session.account())},
                                        {"tokens", std::move(tokens)}});
}

// POST /v1/auth/refresh {"refresh_token"} -> {"access_token","token_type"[,"refresh_token"]}
Awaitable refresh(Context& ctx) {
  validation::Issues issues;
  auto body = app::json_values(ctx, kRepairRefreshToken, issues);
  app::throw_if_invalid(issues);
  authpb::RefreshRequest request;
  request.set_refresh_token(*body.string("refresh_token"));
  auto reply = co_await ctx.services.backend.Refresh(request, ctx.request_id());
  if (is_rejected_token(reply.status.error_code())) app::fail(401, std::string(kBadRefresh));
  auto tokens = app::take(std::move(reply), "auth.Refresh");
  json::object out{{"access_token", tokens.access_token()}, {"token_type", "bearer"}};
  // Present only when rotation is on.
  if (!tokens.refresh_token().empty()) out["refresh_token"] = tokens.refresh_token();
  co_return app::json(200, std::move(out));
}

// POST /v1/auth/logout {"refresh_token"} (no access token needed)
Awaitable logout(Context& ctx) {
  validation::Issues issues;
  auto body = app::json_values(ctx, kRepairRefreshToken, issues);
  app::throw_if_invalid(issues);
  authpb::LogoutRequest request;
  request.set_refresh_token(*body.string("refresh_token"));
  auto reply = co_await ctx.services.backend.Logout(request, ctx.request_id());
  if (is_rejected_token(reply.status.error_code())) app::fail(401, std::string(kBadRefresh));
  app::take(std::move(reply), "auth.Logout");
  co_return app::json(200, json::object{{"message", "Logged out successfully"}});
}

// GET /v1/users?limit=10&offset=0: staff see all; a customer only their own row.
Awaitable list_users(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto query = app::query_values(ctx, kRepairListQuery, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  const auto limit = *query.integer("limit");
  const auto offset = *query.integer("offset");
  json::array out;
  if (is_staff(principal.role())) {
    auto accounts = co_await app::list_accounts(ctx, offset, limit);
    for (const auto& account : accounts) out.push_back(render::repair_user(account));
  } else if (offset == 0) {
    out.push_back(render::repair_user(principal));  // their rows are a list of one
  }
  co_return app::json(200, std::move(out));
}

// POST /v1/users (admin) {"full_name","phone","email","password","is_staff"=false} -> 201 User
Awaitable create_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto key = app::idempotency_key(ctx, issues);
  auto body = app::json_values(ctx, kRepairCreateUser, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  if (!is_admin(principal.role())) app::forbidden(ctx);
  authpb::RegisterRequest request;
  auto* account = request.mutable_account();
  account->set_full_name(*body.string("full_name"));
  account->set_phone(*body.string("phone"));
  account->set_email(*body.string("email"));
  account->set_role(body.boolean("is_staff").value_or(false) ? userpb::ROLE_OPERATOR
                                                             : userpb::ROLE_USER);
  request.set_password(*body.string("password"));
  const auto idempotency = app::idempotency_for(ctx, key, principal.id());
  auto reply = co_await ctx.services.backend.Register(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers);
  auto created = app::take(std::move(reply), "auth.Register");
  co_return app::mark_replayed(app::json(201, render::repair_user(created.account())), replayed);
}

// GET /v1/users/{user_id}: staff any, a customer only self.
Awaitable get_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  const auto id = app::require_path_id(ctx, "user_id");
  auto principal = co_await app::load_principal(ctx, claims);
  if (id == principal.id()) co_return app::json(200, render::repair_user(principal));
  if (!is_staff(principal.role())) app::forbidden(ctx);
  auto account = co_await app::get_account(ctx, id);
  co_return app::json(200, render::repair_user(account));
}

// PATCH /v1/users/{user_id} (staff) any of
// {"full_name","email","phone","profile_picture","is_active","is_staff"}.
Awaitable patch_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto id = app::path_id(ctx, "user_id", issues);
  auto body = app::json_values(ctx, kRepairPatchUser, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  if (!is_staff(principal.role())) app::forbidden(ctx);
  const bool admin = is_admin(principal.role());
  const auto wants_staff = body.boolean("is_staff");
  if (wants_staff && !admin) app::forbidden(ctx);
  auto target = co_await app::get_account(ctx, *id);
  if (is_admin(target.role()) && !admin) app::forbidden(ctx);

  userpb::UpdateUserRequest update;
  update.set_id(*id);
  if (auto v = body.string("full_name")) update.set_full_name(*v);
  if (auto v = body.string("email")) update.set_email(*v);
  if (auto v = body.string("phone")) update.set_phone(*v);
  if (auto v = body.string("profile_picture")) {
    update.set_profile_picture(*v);
  } else if (body.is_null("profile_picture")) {
    update.set_profile_picture("");  // null clears the picture
  }
  if (auto v = body.boolean("is_active")) update.set_is_active(*v);
  if (wants_staff) {
    // An admin stays admin when marked staff; unmarking makes a customer.
    if (*wants_staff) {
      if (!is_admin(target.role())) update.set_role(userpb::ROLE_OPERATOR);
    } else {
      update.set_role(userpb::ROLE_USER);
    }
  }
  auto account = co_await app::update_account(ctx, update);
  co_return app::json(200, render::repair_user(account));
}

// DELETE /v1/users/{user_id} (staff; an admin account only by an admin) -> 204
Awaitable delete_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  const auto id = app::require_path_id(ctx, "user_id");
  auto principal = co_await app::load_principal(ctx, claims);
  if (!is_staff(principal.role())) app::forbidden(ctx);
  auto target = co_await app::get_account(ctx, id);
  if (is_admin(target.role()) && !is_admin(principal.role())) app::forbidden(ctx);
  co_await app::delete_account(ctx, id);
  co_return app::no_content();
}

}  // namespace

void add_repair_routes(app::Routes& routes) {
  routes.add("POST", "/v1/auth/register", register_user);
  routes.add("POST", "/v1/auth/login", login);
  routes.add("POST", "/v1/auth/refresh", refresh);
  routes.add("POST", "/v1/auth/logout", logout);
  routes.add("GET", "/v1/users", list_users);
  routes.add("POST", "/v1/users", create_user);
  routes.add("GET", "/v1/users/{user_id}", get_user);
  routes.add("PATCH", "/v1/users/{user_id}", patch_user);
  routes.add("DELETE", "/v1/users/{user_id}", delete_user);
}

}  // namespace fleet::gateway::surfaces
