// users-v1 (/api/v1): username sign-in (JSON or form), registration, and account management.
// is_superuser = role admin. Listing: superuser; read, update, delete: oneself or a superuser.

#include "render/accounts.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

json::object bearer(const std::string& access_token) {
  return json::object{{"access_token", access_token}, {"token_type", "bearer"}};
}

// POST /api/v1/auth/login {"username","password"} as JSON or form fields
Awaitable login(Call& call) {
  authpb::LoginRequest request;
  request.set_username(*call.body.string("username"));
  request.set_password(*call.body.string("password"));
  auto session = co_await endpoint::login(call, request);
  co_return call.json(bearer(session.access_token()));
}

// POST /api/v1/auth/register {"email","username","password","full_name"?}
Awaitable register_user(Call& call) {
  authpb::RegisterRequest request;
  auto* account = request.mutable_account();
  account->set_email(*call.body.string("email"));
  account->set_username(*call.body.string("username"));
  if (auto full_name = call.body.string("full_name")) account->set_full_name(*full_name);
  account->set_role(userpb::ROLE_USER);
  request.set_password(*call.body.string("password"));
  request.set_issue_access_token(true);
  auto created = co_await endpoint::register_account(call, request);
  co_return call.json(bearer(created.access_token()));
}

// GET /api/v1/users/?skip=0&limit=100 (superuser)
Awaitable list_users(Call& call) {
  auto accounts = co_await endpoint::list_accounts(call, *call.query.integer("skip"),
                                                   *call.query.integer("limit"));
  json::array out;
  for (const auto& account : accounts) out.push_back(render::users_v1_user(account));
  co_return call.json(std::move(out));
}

// GET /api/v1/users/{user_id} (self or superuser)
Awaitable get_user(Call& call) {
  auto account = co_await endpoint::get_self_or_account(call, call.path_int("user_id"));
  co_return call.json(render::users_v1_user(account));
}

// PUT /api/v1/users/{user_id} (self or superuser) {"email"?,"username"?,"full_name"?,"password"?}
Awaitable update_user(Call& call) {
  const auto id = call.path_int("user_id");
  userpb::UpdateUserRequest update;
  update.set_id(id);
  bool changes = false;
  if (auto v = call.body.string("email")) update.set_email(*v), changes = true;
  if (auto v = call.body.string("username")) update.set_username(*v), changes = true;
  if (auto v = call.body.string("full_name")) update.set_full_name(*v), changes = true;
  userpb::Account account;
  if (changes) {
    account = co_await endpoint::update_account(call, update);
  } else {
    account = co_await endpoint::get_account(call, id);
  }
  if (auto password = call.body.string("password")) {
    co_await endpoint::set_password(call, id, *password);
  }
  co_return call.json(render::users_v1_user(account));
}

// DELETE /api/v1/users/{user_id} (self or superuser)
Awaitable delete_user(Call& call) {
  co_await endpoint::delete_account(call, call.path_int("user_id"));
  co_return call.json(json::object{{"message", "User deleted successfully"}});
}

constexpr validation::Field kUserId[] = {
    {.name = "user_id", .type = validation::Type::kInt, .required = true}};
constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Incorrect username or password"},
    endpoint::kTooManyRequests};
constexpr auto kSelfOrSuperuser = endpoint::self_or("user_id", userpb::ROLE_ADMIN);
constexpr auto kSuperuser = endpoint::at_least(userpb::ROLE_ADMIN);
constexpr auto S = Surface::kUsersV1;
using endpoint::Body;

constexpr endpoint::Endpoint kRows[] = {
    {.method = "POST", .path = "/api/v1/auth/login", .surface = S,
     .summary = "Sign in with username and password (JSON or form fields)",
     .body_kind = Body::kJsonOrForm, .body = kUsersV1Login, .errors = kLoginErrors,
     .response = {"Token"}, .run = login},
    {.method = "POST", .path = "/api/v1/auth/register", .surface = S,
     .summary = "Create an account and sign in", .body_kind = Body::kJson,
     .body = kUsersV1Register, .idempotent = true, .errors = endpoint::kHashingErrors,
     .response = {"Token"}, .run = register_user},
    {.method = "GET", .path = "/api/v1/users/", .surface = S,
     .summary = "List accounts (superuser)", .access = kSuperuser, .query = kUsersV1ListQuery,
     .response = {"UsersV1User", true}, .run = list_users},
    {.method = "GET", .path = "/api/v1/users", .surface = S,
     .summary = "List accounts (superuser)", .access = kSuperuser, .query = kUsersV1ListQuery,
     .response = {"UsersV1User", true}, .run = list_users, .hidden = true},
    {.method = "GET", .path = "/api/v1/users/{user_id}", .surface = S,
     .summary = "Read an account (oneself, or a superuser)", .access = kSelfOrSuperuser,
     .path_params = kUserId, .response = {"UsersV1User"}, .run = get_user},
    {.method = "PUT", .path = "/api/v1/users/{user_id}", .surface = S,
     .summary = "Update an account (oneself, or a superuser)", .access = kSelfOrSuperuser,
     .path_params = kUserId, .body_kind = Body::kJson, .body = kUsersV1Update,
     .errors = endpoint::kHashingErrors, .response = {"UsersV1User"}, .run = update_user},
    {.method = "DELETE", .path = "/api/v1/users/{user_id}", .surface = S,
     .summary = "Delete an account (oneself, or a superuser)", .access = kSelfOrSuperuser,
     .path_params = kUserId, .response = {"Message"}, .run = delete_user},
};

}  // namespace

endpoint::Table users_v1_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
