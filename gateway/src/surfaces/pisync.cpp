// pisync (/pisync): username sign-in. Errors: {"message":"text"}.

#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

// POST /pisync/auth/register {"username","password"} -> 201 {"message","token"}
Awaitable register_user(Call& call) {
  authpb::RegisterRequest request;
  request.mutable_account()->set_username(*call.body.string("username"));
  request.mutable_account()->set_role(userpb::ROLE_USER);
  request.set_password(*call.body.string("password"));
  request.set_issue_access_token(true);
  auto created = co_await endpoint::register_account(call, request);
  co_return call.json(
      json::object{{"message", "User registered successfully."}, {"token", created.access_token()}});
}

// POST /pisync/auth/login {"username","password"} -> 200 {"message","token"}
Awaitable login(Call& call) {
  authpb::LoginRequest request;
  request.set_username(*call.body.string("username"));
  request.set_password(*call.body.string("password"));
  auto session = co_await endpoint::login(call, request);
  co_return call.json(
      json::object{{"message", "Login successful."}, {"token", session.access_token()}});
}

constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Invalid username or password."}};
constexpr auto S = Surface::kPisync;
using endpoint::Body;

constexpr endpoint::Endpoint kRows[] = {
    {.method = "POST", .path = "/pisync/auth/register", .surface = S,
     .summary = "Register and sign in", .body_kind = Body::kJson, .body = kPisyncCredentials,
     .success = 201, .idempotent = true, .response = {"PisyncAuth"},
     .problem = pisync_credentials_problem, .run = register_user},
    {.method = "POST", .path = "/pisync/auth/login", .surface = S,
     .summary = "Sign in with username and password", .body_kind = Body::kJson,
     .body = kPisyncCredentials, .errors = kLoginErrors, .response = {"PisyncAuth"},
     .problem = pisync_credentials_problem, .run = login},
};

}  // namespace

endpoint::Table pisync_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
