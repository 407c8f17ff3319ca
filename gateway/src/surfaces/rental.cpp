// rental (base path /): sign-in with form fields, UserResponse accounts. is_admin = role admin.
// A user reads, updates and deletes only their own account; an admin any. Only an admin
// changes cash, and only an admin lists or creates accounts. `cash` is the account's wallet in
// device-session (PLATFORM.md "Money and time"): read with GetWallets, set with SetCash (which
// records the adjustment in the ledger), rendered as the exact decimal.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <limits>

#include "app/support.h"
#include "http/form.h"
#include "render/accounts.h"
#include "render/devices.h"
#include "surfaces/routes.h"
#include "surfaces/schemas.h"

namespace fleet::gateway::surfaces {
namespace {

using app::Context;
namespace json = boost::json;
namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
namespace dspb = upstream::dspb;
using Awaitable = boost::asio::awaitable<http::Response>;

// A new account has no wallet yet; device-session reports such an account as "0.00".
constexpr std::string_view kNoWallet = "0.00";
// GetWallets answers at most this many accounts per call (device-session's limit).
constexpr std::size_t kWalletsPerCall = 10000;

// The wallets of `accounts`, in their order: one GetWallets call per 10,000 accounts.
boost::asio::awaitable<std::vector<std::string>> cash_of(
    Context& ctx, const std::vector<userpb::Account>& accounts) {
  std::vector<std::string> cash;
  cash.reserve(accounts.size());
  for (std::size_t start = 0; start < accounts.size(); start += kWalletsPerCall) {
    dspb::GetWalletsRequest request;
    const auto end = std::min(accounts.size(), start + kWalletsPerCall);
    for (auto i = start; i < end; ++i) request.add_user_ids(accounts[i].id());
    auto reply = co_await ctx.services.backend.GetWallets(request, ctx.request_id());
    auto wallets = app::take(std::move(reply), "device_session.GetWallets");
    if (wallets.wallets_size() != static_cast<int>(end - start)) {
      app::fail(500, std::string(render::generic_text(500)));
    }
    for (const auto& wallet : wallets.wallets()) cash.push_back(wallet.cash());
  }
  co_return cash;
}

boost::asio::awaitable<http::Response> user_response(Context& ctx, const userpb::Account& account) {
  std::vector<userpb::Account> one{account};
  auto cash = co_await cash_of(ctx, one);
  co_return app::raw_json(200, render::rental_user_json(account, cash.front()));
}

// The exact decimal the client wrote for `cash` (the shortest text that reads back as the
// parsed number), or an issue: at most two decimal places, at most the wallet's maximum.
std::optional<std::string> cash_text(double cash, validation::Issues& issues) {
  boost::json::array loc{"body", "cash"};
  if (cash > kRentalMaxCash) {
    issues.push_back(
        {"less_than_equal", loc, "Input should be less than or equal to 9999999999.99"});
    return std::nullopt;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, cash, std::chars_format::fixed);
  std::string text(buffer, ec == std::errc() ? end : buffer);
  auto dot = text.find('.');
  if (text.empty() || (dot != std::string::npos && text.size() - dot - 1 > 2)) {
    issues.push_back(
        {"decimal_max_places", loc, "Decimal input should have no more than 2 decimal places"});
    return std::nullopt;
  }
  return text;
}

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
  auto cash = co_await cash_of(ctx, accounts);
  render::JsonWriter out;
  out.begin_array();
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    render::write_rental_user(out, accounts[i], cash[i]);
  }
  out.end_array();
  co_return app::raw_json(200, out.take());
}

// GET /user/{uid} (self or admin)
Awaitable get_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  const auto uid = app::require_path_id(ctx, "uid");
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_admin(ctx, principal, uid);
  if (uid == principal.id()) co_return co_await user_response(ctx, principal);
  auto account = co_await app::get_account(ctx, uid);
  co_return co_await user_response(ctx, account);
}

// POST /user (admin) {"name","password","is_admin"=false}
Awaitable create_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto key = app::idempotency_key(ctx, issues);
  auto body = app::json_values(ctx, kRentalCreateUser, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  if (!render::is_admin(principal.role())) app::forbidden(ctx);

  authpb::RegisterRequest request;
  request.mutable_account()->set_username(*body.string("name"));
  request.mutable_account()->set_role(body.boolean("is_admin").value_or(false) ? userpb::ROLE_ADMIN
                                                                               : userpb::ROLE_USER);
  request.set_password(*body.string("password"));
  const auto idempotency = app::idempotency_for(ctx, key, principal.id());
  auto reply = co_await ctx.services.backend.Register(request, idempotency, ctx.request_id());
  const bool replayed = key && app::replayed(reply.status, reply.trailers);
  auto created = app::take(std::move(reply), "auth.Register");
  co_return app::mark_replayed(
      app::raw_json(200, render::rental_user_json(created.account(), kNoWallet)), replayed);
}

// PATCH /user/{uid} (self or admin) {"name"?, "cash"?}; cash is admin only.
Awaitable patch_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  validation::Issues issues;
  auto uid = app::path_id(ctx, "uid", issues);
  auto body = app::json_values(ctx, kRentalPatchUser, issues);
  std::optional<std::string> cash;
  if (auto number = body.number("cash")) cash = cash_text(*number, issues);
  app::throw_if_invalid(issues);
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_admin(ctx, principal, *uid);
  if (cash && !render::is_admin(principal.role())) app::forbidden(ctx);

  userpb::Account account;
  if (auto name = body.string("name")) {
    userpb::UpdateUserRequest update;
    update.set_id(*uid);
    update.set_username(*name);
    account = co_await app::update_account(ctx, update);
  } else {
    account = co_await app::get_account(ctx, *uid);
  }
  if (!cash) co_return co_await user_response(ctx, account);
  dspb::SetCashRequest set;
  set.set_user_id(account.id());
  set.set_cash(*cash);
  set.set_actor_user_id(principal.id());
  auto reply = co_await ctx.services.backend.SetCash(set, ctx.request_id());
  auto wallet = app::take(std::move(reply), "device_session.SetCash").wallet();
  co_return app::raw_json(200, render::rental_user_json(account, wallet.cash()));
}

// DELETE /user/{uid} (self or admin)
Awaitable delete_user(Context& ctx) {
  auto claims = app::require_token(ctx);
  const auto uid = app::require_path_id(ctx, "uid");
  auto principal = co_await app::load_principal(ctx, claims);
  require_self_or_admin(ctx, principal, uid);
  co_await app::delete_account(ctx, uid);
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
