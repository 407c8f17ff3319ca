// rental (base path /): sign-in with form fields, UserResponse accounts. is_admin = role admin.
// A user reads, updates and deletes only their own account; an admin any. Only an admin
// changes cash, and only an admin lists or creates accounts. `cash` is the account's wallet in
// device-session (PLATFORM.md "Money and time"): read with GetWallets, set with SetCash (which
// records the adjustment in the ledger), rendered as the exact decimal. Balances come from the
// device read model's wallet cache where it has them (readmodel/devices.h).
#include <charconv>
#include <limits>

#include "readmodel/devices.h"
#include "render/accounts.h"
#include "render/devices.h"
#include "render/errors.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {
using userpb::ROLE_ADMIN;

// A new account has no wallet yet; device-session reports such an account as "0.00".
constexpr std::string_view kNoWallet = "0.00";
// GetWallets answers at most this many accounts per call (device-session's limit).
constexpr std::size_t kWalletsPerCall = 10000;

// The wallets of `accounts`, in their order: those the read model has, and the others with one
// GetWallets call per 10,000 accounts, whose replies fill the model (if still current).
boost::asio::awaitable<std::vector<std::string>> cash_of(
    Call& call, const std::vector<userpb::Account>& accounts) {
  auto* model = call.ctx.services.device_model;
  std::vector<std::string> cash(accounts.size());
  std::vector<std::size_t> missing;  // indexes into accounts
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    auto cached = model ? model->cash(accounts[i].id()) : std::nullopt;
    if (cached) {
      cash[i] = std::move(*cached);
    } else {
      missing.push_back(i);
    }
  }
  for (std::size_t start = 0; start < missing.size(); start += kWalletsPerCall) {
    dspb::GetWalletsRequest request;
    const auto end = std::min(missing.size(), start + kWalletsPerCall);
    for (auto i = start; i < end; ++i) request.add_user_ids(accounts[missing[i]].id());
    const auto ticket = model ? model->wallet_ticket() : std::nullopt;
    auto wallets = co_await call.rpc(&DeviceSessionRpc::GetWallets, request);
    if (wallets.wallets_size() != static_cast<int>(end - start)) {
      call.fail(500, std::string(render::generic_text(500)));
    }
    if (ticket) model->fill(*ticket, wallets);
    for (auto i = start; i < end; ++i) {
      cash[missing[i]] = wallets.wallets(static_cast<int>(i - start)).cash();
    }
  }
  co_return cash;
}

Awaitable user_response(Call& call, const userpb::Account& account) {
  std::vector<userpb::Account> one{account};
  auto cash = co_await cash_of(call, one);
  co_return call.raw_json(render::rental_user_json(account, cash.front()));
}

// The exact decimal the client wrote for `cash` (the shortest text that reads back as the
// parsed number), or a 422: at most two decimal places, at most the wallet's maximum.
std::string cash_text(double cash) {
  json::array loc{"body", "cash"};
  if (cash > kRentalMaxCash) {
    throw render::ValidationError(
        {{"less_than_equal", loc, "Input should be less than or equal to 9999999999.99"}});
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, cash, std::chars_format::fixed);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  auto dot = text.find('.');
  if (text.empty() || (dot != std::string::npos && text.size() - dot - 1 > 2)) {
    throw render::ValidationError(
        {{"decimal_max_places", loc, "Decimal input should have no more than 2 decimal places"}});
  }
  return text;
}

// POST /auth/token (form fields, as OAuth2PasswordRequestForm)
Awaitable token(Call& call) {
  authpb::LoginRequest login;
  login.set_username(*call.body.string("username"));
  login.set_password(*call.body.string("password"));
  auto session = co_await endpoint::login(call, login);
  co_return call.json(json::object{{"access_token", session.access_token()},
                                   {"token_type", "bearer"},
                                   {"user_id", session.account().id()}});
}

// GET /user/all (admin)
Awaitable list_users(Call& call) {
  auto accounts =
      co_await endpoint::list_accounts(call, 0, std::numeric_limits<std::int32_t>::max());
  auto cash = co_await cash_of(call, accounts);
  render::JsonWriter out;
  out.begin_array();
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    render::write_rental_user(out, accounts[i], cash[i]);
  }
  out.end_array();
  co_return call.raw_json(out.take());
}

// GET /user/{uid} (self or admin)
Awaitable get_user(Call& call) {
  auto account = co_await endpoint::get_self_or_account(call, call.path_int("uid"));
  co_return co_await user_response(call, account);
}

// POST /user (admin) {"name","password","is_admin"=false}
Awaitable create_user(Call& call) {
  authpb::RegisterRequest request;
  request.mutable_account()->set_username(*call.body.string("name"));
  request.mutable_account()->set_role(
      call.body.boolean("is_admin").value_or(false) ? ROLE_ADMIN : userpb::ROLE_USER);
  request.set_password(*call.body.string("password"));
  auto created = co_await endpoint::register_account(call, request);
  co_return call.raw_json(render::rental_user_json(created.account(), kNoWallet));
}

// PATCH /user/{uid} (self or admin) {"name"?, "cash"?}; cash is admin only.
Awaitable patch_user(Call& call) {
  const auto uid = call.path_int("uid");
  std::optional<std::string> cash;
  if (auto number = call.body.number("cash")) cash = cash_text(*number);
  if (cash && !render::is_admin(call.me().role())) call.forbid();

  userpb::Account account;
  if (auto name = call.body.string("name")) {
    userpb::UpdateUserRequest update;
    update.set_id(uid);
    update.set_username(*name);
    account = co_await endpoint::update_account(call, update);
  } else {
    account = co_await endpoint::get_account(call, uid);
  }
  if (!cash) co_return co_await user_response(call, account);
  dspb::SetCashRequest set;
  set.set_user_id(account.id());
  set.set_cash(*cash);
  set.set_actor_user_id(call.me().id());
  auto changed = co_await call.rpc(&DeviceSessionRpc::SetCash, set);
  // The new balance for the next read, before answering.
  if (auto* model = call.ctx.services.device_model) model->apply(changed.wallet());
  co_return call.raw_json(render::rental_user_json(account, changed.wallet().cash()));
}

// DELETE /user/{uid} (self or admin)
Awaitable delete_user(Call& call) {
  co_await endpoint::delete_account(call, call.path_int("uid"));
  co_return call.json(json::object{{"message", "User deleted successfully"}});
}

constexpr validation::Field kUid[] = {{.name = "uid", .type = validation::Type::kInt, .required = true}};
constexpr endpoint::ErrorRule kLoginErrors[] = {
    {grpc::StatusCode::UNAUTHENTICATED, 401, "Incorrect username or password"},
    endpoint::kTooManyRequests};
constexpr auto kSelfOrAdmin = endpoint::self_or("uid", ROLE_ADMIN);
constexpr auto kAdmin = endpoint::at_least(ROLE_ADMIN);
constexpr auto S = Surface::kRental;

constexpr endpoint::Endpoint kRows[] = {
    {.method = "POST", .path = "/auth/token", .surface = S,
     .summary = "Sign in with username and password (OAuth2 password form)",
     .body_kind = endpoint::Body::kForm, .body = kRentalTokenForm, .errors = kLoginErrors,
     .response = {"RentalToken"}, .run = token},
    {.method = "GET", .path = "/user/all", .surface = S, .summary = "List every account (admin)",
     .access = kAdmin, .response = {"RentalUser", true}, .run = list_users},
    {.method = "GET", .path = "/user/{uid}", .surface = S,
     .summary = "Read an account (oneself, or an admin)", .access = kSelfOrAdmin,
     .path_params = kUid, .response = {"RentalUser"}, .run = get_user},
    {.method = "POST", .path = "/user", .surface = S, .summary = "Create an account (admin)",
     .access = kAdmin, .body_kind = endpoint::Body::kJson, .body = kRentalCreateUser,
     .idempotent = true, .errors = endpoint::kHashingErrors, .response = {"RentalUser"},
     .run = create_user},
    {.method = "PATCH", .path = "/user/{uid}", .surface = S,
     .summary = "Rename an account, or set its cash (admin)", .access = kSelfOrAdmin,
     .path_params = kUid, .body_kind = endpoint::Body::kJson, .body = kRentalPatchUser,
     .response = {"RentalUser"}, .run = patch_user},
    {.method = "DELETE", .path = "/user/{uid}", .surface = S,
     .summary = "Delete an account (oneself, or an admin)", .access = kSelfOrAdmin,
     .path_params = kUid, .response = {"Message"}, .run = delete_user},
};

}  // namespace

endpoint::Table rental_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
