// rental (base path /): sign-in with form fields, UserResponse accounts. is_admin = role admin.
// A user reads, updates and deletes only their own account; an admin any. Only an admin
// changes cash, and only an admin lists or creates accounts.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <limits>

#include "app/support.h"
#include "http/form.h"
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

// Self or admin; anyone else gets 403.
void require_self_or_admin(const Context& ctx, const userpb::Account& principal, std::int64_t uid) {
  if (principal.id() != uid && !render::is_admin(principal.role())) app::forbidden(ctx);
}

// POST /auth/token (form fields, as OAuth2PasswordRequestForm)
Awaitable token(Context& ctx) {
  validation::Issues issues;
  http::ParamList form;
  auto content_type = ctx.request.header("Content-Type");
  if (http::is_form(content_type)) {
    auto parsed = http::parse_form(content_type, ctx.request.body);
    if (!parsed) app::fail(400, "There was an error parsing the body");
    form = std::move(*parsed);
  }
  auto outcome = validation::validate_form(form, kRentalTokenForm);
  app::throw_if_invalid(outcome.issues);

  authpb::LoginRequest login;
  login.set_username(*outcome.values.string("username"));
  login.set_password(*outcome.values.string("password"));
  auto reply = co_await ctx.services.backend.Login(login, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    app::fail(401, "Incorrect username or password");
  }
  auto session = app::take(std::move(reply), "auth.Login");
  co_return app::json(200, json::object{{"access_token", session.access_token()},
                                        {"token_type", "bearer"},
                                        {"user_id", session.account().id()}});
}

// GET /user/all (admin)
Awaitable list_users(Context& ctx) {
  auto claims = app::require_token(ctx);
  auto principal = co_await app::load_principal(ctx, claims);
  if (!render::is_admin(principal.role())) app::forbidden(ctx);
  auto accounts = co_await app::list_accounts(ctx, 0, std::numeric_limits<std::int32_t>::max());
  json::array out;
  for (const auto& account : accounts) out.push_back(render::rental_user(account));
  co_return app::json(200, std::move(out));
}

// GET /user/{uid} (self or admin)
Awaitable get_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto uid = app::path_id(ctx, "uid", issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_admin(ctx, principal, *uid);
  if (*uid == principal.id()) co_return app::json(200, render::rental_user(principal));
  auto account = co_await app::get_account(ctx, *uid);
  co_return app::json(200, render::rental_user(account));
}

// POST /user (admin) {"name","password","is_admin"=false}
Awaitable create_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto body = app::json_values(ctx, kRentalCreateUser, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  if (!render::is_admin(principal.role())) app::forbidden(ctx);

  authpb::RegisterRequest request;
  request.mutable_account()->set_username(*body.string("name"));
  request.mutable_account()->set_role(body.boolean("is_admin").value_or(false) ? userpb::ROLE_ADMIN
                                                                               : userpb::ROLE_USER);
  request.set_password(*body.string("password"));
  auto reply = co_await ctx.services.backend.Register(request, ctx.request_id());
  auto created = app::take(std::move(reply), "auth.Register");
  co_return app::json(200, render::rental_user(created.account()));
}

// PATCH /user/{uid} (self or admin) {"name"?, "cash"?}; cash is admin only.
Awaitable patch_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto uid = app::path_id(ctx, "uid", issues);
  auto body = app::json_values(ctx, kRentalPatchUser, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_admin(ctx, principal, *uid);
  const bool sets_cash = body.number("cash").has_value();
  if (sets_cash && !render::is_admin(principal.role())) app::forbidden(ctx);

  userpb::Account account;
  if (auto name = body.string("name")) {
    userpb::UpdateUserRequest update;
    update.set_id(*uid);
    update.set_username(*name);
    account = co_await app::update_account(ctx, update);
  } else {
    account = co_await app::get_account(ctx, *uid);
  }
  if (sets_cash) {
    // The wallet belongs to device-session, which does not exist yet: cash stays 0.
    fleet::log::ScopedRequestId scope(ctx.request_id());
    fleet::log::warn("rental_cash_not_applied", {{"user_id", account.id()}});
  }
  co_return app::json(200, render::rental_user(account));
}

// DELETE /user/{uid} (self or admin)
Awaitable delete_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto uid = app::path_id(ctx, "uid", issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_admin(ctx, principal, *uid);
  co_await app::delete_account(ctx, *uid);
  co_return app::json(200, json::object{{"message", "User deleted successfully"}});
}

}  // namespace

void add_rental_routes(app::Routes& routes) {
  routes.add("POST", "/auth/token", token);
  routes.add("GET", "/user/all", list_users);
  routes.add("GET", "/user/{uid}", get_user);
  routes.add("POST", "/user", create_user);
  routes.add("PATCH", "/user/{uid}", patch_user);
  routes.add("DELETE", "/user/{uid}", delete_user);
}

}  // namespace fleet::gateway::surfaces
