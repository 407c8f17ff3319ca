// pisync (/pisync): username sign-in. Errors: {"message":"text"}.
#include <boost/json/object.hpp>

#include "app/support.h"
#include "surfaces/routes.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

using app::Context;
namespace json = boost::json;
namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
using Awaitable = boost::asio::awaitable<http::Response>;

// POST /pisync/auth/register {"username","password"} -> 201 {"message","token"}
Awaitable register_user(Context& ctx) {
  auto outcome = validation::validate_json_body(ctx.request, kPisyncCredentials);
  if (!outcome.ok()) app::fail(400, pisync_credentials_problem(outcome.issues));
  auto key = app::idempotency_key_or_fail(ctx, 400);
  authpb::RegisterRequest request;
  request.mutable_account()->set_username(*outcome.values.string("username"));
  request.mutable_account()->set_role(userpb::ROLE_USER);
  request.set_password(*outcome.values.string("password"));
  request.set_issue_access_token(true);
  const auto idempotency = app::idempotency_for(ctx, key, app::kAnonymousCaller);
  auto reply = co_await ctx.services.backend.Register(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers, 400);
  auto created = app::take(std::move(reply), "auth.Register");
  co_return app::mark_replayed(app::json(201, json::object{{"message", "User registered successfully."},
                                                           {"token", created.access_token()}}),
                               replayed);
}

// POST /pisync/auth/login {"username","password"} -> 200 {"message","token"}
Awaitable login(Context& ctx) {
  auto outcome = validation::validate_json_body(ctx.request, kPisyncCredentials);
  if (!outcome.ok()) app::fail(400, pisync_credentials_problem(outcome.issues));
  authpb::LoginRequest request;
  request.set_username(*outcome.values.string("username"));
  request.set_password(*outcome.values.string("password"));
  auto reply = co_await ctx.services.backend.Login(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    app::fail(401, "Invalid username or password.");
  }
  auto session = app::take(std::move(reply), "auth.Login");
  co_return app::json(
      200, json::object{{"message", "Login successful."}, {"token", session.access_token()}});
}

}  // namespace

void add_pisync_routes(app::Routes& routes) {
  routes.add("POST", "/pisync/auth/register", register_user);
  routes.add("POST", "/pisync/auth/login", login);
}

}  // namespace fleet::gateway::surfaces
