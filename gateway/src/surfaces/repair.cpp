// repair (/v1): phone sign-in with refresh tokens, and account management.
// is_staff = role operator or admin. Staff manage accounts; a customer reads only their own.
// Only an admin creates accounts, sends is_staff, or touches an admin account.

#include "render/accounts.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {
using render::is_admin;
using render::is_staff;

authpb::RegisterRequest registration(const Call& call, userpb::Role role) {
  authpb::RegisterRequest request;
  auto* account = request.mutable_account();
  account->set_full_name(*call.body.string("full_name"));
  account->set_phone(*call.body.string("phone"));
  account->set_email(*call.body.string("email"));
  account->set_role(role);
  request.set_password(*call.body.string("password"));
  return request;
}

// POST /v1/auth/register {"full_name","phone","email","password"} -> 201 User
Awaitable register_user(Call& call) {
  const auto request = registration(call, userpb::ROLE_USER);
  auto created = co_await endpoint::register_account(call, request);
  co_return call.json(render::repair_user(created.account()));
}

// POST /v1/auth/login {"phone","password"} -> {"user","tokens"}
Awaitable login(Call& call) {
  authpb::LoginRequest request;
  request.set_phone(*call.body.string("phone"));
  request.set_password(*call.body.string("password"));
  request.set_issue_refresh_token(true);
  auto session = co_await endpoint::login(call, request);
  json::object tokens{{"access_token", session.access_token()},
                      {"refresh_token", session.refresh_token()},
                      {"token_type", "bearer"}};
  co_return call.json(json::object{{"user", render::repair_user(session.account())},
                                   {"tokens", std::move(tokens)}});
}

// POST /v1/auth/refresh {"refresh_token"} -> {"access_token","token_type"[,"refresh_token"]}
Awaitable refresh(Call& call) {
  authpb::RefreshRequest request;
  request.set_refresh_token(*call.body.string("refresh_token"));
  auto tokens = co_await call.rpc(&AuthRpc::Refresh, request);
  json::object out{{"access_token", tokens.access_token()}, {"token_type", "bearer"}};
  // Present only when rotation is on.
  if (!tokens.refresh_token().empty()) out["refresh_token"] = tokens.refresh_token();
  co_return call.json(std::move(out));
}

// POST /v1/auth/logout {"refresh_token"} (no access token needed)
Awaitable logout(Call& call) {
  authpb::LogoutRequest request;
  request.set_refresh_token(*call.body.string("refresh_token"));
  co_await call.rpc(&AuthRpc::Logout, request);
  co_return call.json(json::object{{"message", "Logged out successfully"}});
}

// GET /v1/users?limit=10&offset=0: staff see all; a customer only their own row.
Awaitable list_users(Call& call) {
  const auto limit = *call.query.integer("limit");
  const auto offset = *call.query.integer("offset");
  json::array out;
  if (is_staff(call.me().role())) {
    auto accounts = co_await endpoint::list_accounts(call, offset, limit);
    for (const auto& account : accounts) out.push_back(render::repair_user(account));
  } else if (offset == 0) {
    out.push_back(render::repair_user(call.me()));  // their rows are a list of one
  }
  co_return call.json(std::move(out));
}

// POST /v1/users (admin) {"full_name","phone","email","password","is_staff"=false} -> 201 User
Awaitable create_user(Call& call) {
  const auto request = registration(
      call, call.body.boolean("is_staff").value_or(false) ? userpb::ROLE_OPERATOR
                                                          : userpb::ROLE_USER);
  auto created = co_await endpoint::register_account(call, request);
  co_return call.json(render::repair_user(created.account()));
}

// GET /v1/users/{user_id}: staff any, a customer only self.
Awaitable get_user(Call& call) {
  auto account = co_await endpoint::get_self_or_account(call, call.path_int("user_id"));
  co_return call.json(render::repair_user(account));
}

// The target of a staff write: an admin account only by an admin.
boost::asio::awaitable<userpb::Account> staff_target(Call& call) {
  auto target = co_await endpoint::get_account(call, call.path_int("user_id"));
  if (is_admin(target.role()) && !is_admin(call.me().role())) call.forbid();
  co_return target;
}

// PATCH /v1/users/{user_id} (staff) any of
// {"full_name","email","phone","profile_picture","is_active","is_staff"}.
Awaitable patch_user(Call& call) {
  const auto wants_staff = call.body.boolean("is_staff");
  if (wants_staff && !is_admin(call.me().role())) call.forbid();
  auto target = co_await staff_target(call);

  userpb::UpdateUserRequest update;
  update.set_id(target.id());
  const auto& body = call.body;
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
  auto account = co_await endpoint::update_account(call, update);
  co_return call.json(render::repair_user(account));
}

// DELETE /v1/users/{user_id} (staff; an admin account only by an admin) -> 204
Awaitable delete_user(Call& call) {
  auto target = co_await staff_target(call);
  co_await endpoint::delete_account(call, target.id());
  co_return call.no_content();
}

constexpr validation::Field kUserId[] = {
    {.name = "user_id", .type = validation::Type::kInt, .required = true}};
constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Invalid credentials"},
    {grpc::StatusCode::PERMISSION_DENIED, 403, "User is inactive"},
    endpoint::kTooManyRequests};
// A refresh token the auth service does not accept is 401 with the document's text.
constexpr std::string_view kBadRefresh = "Invalid or expired refresh token";
constexpr endpoint::ErrorRule kRefreshErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, kBadRefresh},
    {grpc::StatusCode::NOT_FOUND, 401, kBadRefresh},
    {grpc::StatusCode::INVALID_ARGUMENT, 401, kBadRefresh}};
constexpr auto kStaff = endpoint::at_least(userpb::ROLE_OPERATOR);
constexpr auto S = Surface::kRepair;
using endpoint::Body;

constexpr endpoint::Endpoint kRows[] = {
    {.method = "POST", .path = "/v1/auth/register", .surface = S,
     .summary = "Register a customer account", .body_kind = Body::kJson, .body = kRepairRegister,
     .success = 201, .idempotent = true, .errors = endpoint::kHashingErrors,
     .response = {"RepairUser"}, .run = register_user},
    {.method = "POST", .path = "/v1/auth/login", .surface = S,
     .summary = "Sign in with phone and password", .body_kind = Body::kJson,
     .body = kRepairLogin, .errors = kLoginErrors, .response = {"RepairLogin"}, .run = login},
    {.method = "POST", .path = "/v1/auth/refresh", .surface = S,
     .summary = "A new access token for a refresh token", .body_kind = Body::kJson,
     .body = kRepairRefreshToken, .errors = kRefreshErrors, .response = {"RepairRefresh"},
     .run = refresh},
    {.method = "POST", .path = "/v1/auth/logout", .surface = S,
     .summary = "Revoke a refresh token", .body_kind = Body::kJson, .body = kRepairRefreshToken,
     .errors = kRefreshErrors, .response = {"Message"}, .run = logout},
    {.method = "GET", .path = "/v1/users", .surface = S,
     .summary = "List accounts (staff; a customer sees only their own)",
     .access = endpoint::kAnyToken, .query = kRepairListQuery, .response = {"RepairUser", true},
     .run = list_users},
    {.method = "POST", .path = "/v1/users", .surface = S, .summary = "Create an account (admin)",
     .access = endpoint::at_least(userpb::ROLE_ADMIN), .body_kind = Body::kJson,
     .body = kRepairCreateUser, .success = 201, .idempotent = true,
     .errors = endpoint::kHashingErrors, .response = {"RepairUser"}, .run = create_user},
    {.method = "GET", .path = "/v1/users/{user_id}", .surface = S,
     .summary = "Read an account (staff, or oneself)",
     .access = endpoint::self_or("user_id", userpb::ROLE_OPERATOR), .path_params = kUserId,
     .response = {"RepairUser"}, .run = get_user},
    {.method = "PATCH", .path = "/v1/users/{user_id}", .surface = S,
     .summary = "Update an account (staff; is_staff and admin accounts: admin)", .access = kStaff,
     .path_params = kUserId, .body_kind = Body::kJson, .body = kRepairPatchUser,
     .response = {"RepairUser"}, .run = patch_user},
    {.method = "DELETE", .path = "/v1/users/{user_id}", .surface = S,
     .summary = "Delete an account (staff; admin accounts: admin)", .access = kStaff,
     .path_params = kUserId, .success = 204, .run = delete_user},
};

}  // namespace

endpoint::Table repair_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
