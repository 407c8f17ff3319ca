#include "app/support.h"

#include <variant>

#include "auth/bearer.h"
#include "auth/key_store.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/http_status.h"
#include "http/form.h"
#include "http/idempotency.h"
#include "http/json.h"

namespace fleet::gateway::app {

void fail(int status, std::string text) { throw render::ApiError(status, text); }

void fail_upstream(const grpc::Status& status, std::string_view call) {
  int http_status = fleet::rpc::http_status_for(status.error_code());
  if (http_status >= 500 || http_status < 400) {
    if (http_status < 500) http_status = 500;  // OK or 1xx/3xx from a failed call: a bug upstream
    throw render::ApiError(http_status, std::string(render::generic_text(http_status)),
                           std::string(call) + " failed: code " +
                               std::to_string(static_cast<int>(status.error_code())) + ": " +
                               status.error_message());
  }
  fail(http_status, status.error_message());
}

std::string_view missing_token_text(Surface surface) {
  switch (surface) {
    case Surface::kStreetlight:
      return "Invalid or missing token";
    case Surface::kPisync:
      return "No auth token provided";
    default:
      return "Not authenticated";
  }
}

std::string_view invalid_token_text(Surface surface) {
  switch (surface) {
    case Surface::kStreetlight:
      return "Invalid or missing token";
    case Surface::kPisync:
      return "Invalid auth token";
    default:
      return "Could not validate credentials";
  }
}

std::string_view forbidden_text(Surface surface) {
  return surface == Surface::kStreetlight ? "Insufficient permissions" : "Not enough permissions";
}

void forbidden(const Context& ctx) { fail(403, std::string(forbidden_text(ctx.surface))); }

namespace {

// The claims, or the text of the 401 to give. With allow_query, a `token` query parameter
// stands in for a missing Authorization header.
std::variant<token::Claims, std::string_view> check_token(const Context& ctx,
                                                          bool allow_query = false) {
  auto bearer = auth::parse_bearer(ctx.request.header("Authorization"));
  if (!bearer && allow_query && !ctx.request.has_header("Authorization")) {
    auto query = ctx.query.get("token");
    if (query && !query->empty()) bearer = *query;
  }
  if (!bearer) return missing_token_text(ctx.surface);
  auto verifier = ctx.services.keys.verifier();
  if (!verifier) fail(503, std::string(render::generic_text(503)));
  auto result = verifier->verify(*bearer);
  if (!result) {
    fleet::log::ScopedRequestId scope(ctx.request_id());
    fleet::log::info("token_rejected", {{"reason", token::to_string(result.error)}});
    return invalid_token_text(ctx.surface);
  }
  return std::move(*result.claims);
}

}  // namespace

token::Claims require_token(const Context& ctx) {
  auto checked = check_token(ctx);
  if (auto* text = std::get_if<std::string_view>(&checked)) fail(401, std::string(*text));
  return std::get<token::Claims>(std::move(checked));
}

token::Claims require_socket_token(const Context& ctx) {
  auto checked = check_token(ctx, true);
  if (auto* text = std::get_if<std::string_view>(&checked)) fail(401, std::string(*text));
  return std::get<token::Claims>(std::move(checked));
}

boost::asio::awaitable<userpb::Account> load_principal(Context& ctx, const token::Claims& claims) {
  userpb::GetUserRequest request;
  request.set_id(claims.user_id);
  auto reply = co_await ctx.services.backend.GetUser(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) {
    fail(401, std::string(invalid_token_text(ctx.surface)));
  }
  auto account = take(std::move(reply), "user.GetUser").account();
  if (!account.is_active()) fail(403, "User is inactive");
  co_return account;
}

std::optional<std::int64_t> path_id(const Context& ctx, std::string_view name,
                                    validation::Issues& issues) {
  auto text = ctx.params.get(name);
  auto id = text ? validation::parse_int(*text) : std::nullopt;
  if (!id)
    issues.push_back(
        validation::int_parsing(boost::json::array{"path", boost::json::string(name)}));
  return id;
}

std::int64_t require_path_id(const Context& ctx, std::string_view name) {
  validation::Issues issues;
  auto id = path_id(ctx, name, issues);
  throw_if_invalid(issues);
  return *id;
}

namespace {
validation::Values collect(validation::Outcome outcome, validation::Issues& issues) {
  issues.insert(issues.end(), std::make_move_iterator(outcome.issues.begin()),
                std::make_move_iterator(outcome.issues.end()));
  return std::move(outcome.values);
}
}  // namespace

validation::Values query_values(const Context& ctx, validation::Schema schema,
                                validation::Issues& issues) {
  return collect(validation::validate_params(ctx.query, schema, "query"), issues);
}

validation::Values json_values(const Context& ctx, validation::Schema schema,
                               validation::Issues& issues) {
  return collect(validation::validate_json_body(ctx.request, schema), issues);
}

validation::Values json_or_form_values(const Context& ctx, validation::Schema schema,
                                       validation::Issues& issues) {
  auto content_type = ctx.request.header("Content-Type");
  if (!http::is_form(content_type)) return json_values(ctx, schema, issues);
  auto form = http::parse_form(content_type, ctx.request.body);
  if (!form) fail(400, "There was an error parsing the body");
  return collect(validation::validate_form(*form, schema), issues);
}

void throw_if_invalid(validation::Issues& issues) {
  if (!issues.empty()) throw render::ValidationError(std::move(issues));
}

http::Response json(int status, boost::json::value body) {
  return http::json_response(status, body);
}

http::Response raw_json(int status, std::string body) {
  http::Response response;
  response.status = status;
  response.set_header("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

std::optional<std::string> idempotency_key(const Context& ctx, validation::Issues& issues) {
  if (!ctx.request.has_header(http::kIdempotencyKeyHeader)) return std::nullopt;
  auto key = ctx.request.header(http::kIdempotencyKeyHeader);
  if (http::is_valid_idempotency_key(key)) return std::string(key);
  boost::json::array loc{"header", "x-idempotency-key"};
  if (key.empty()) {
    issues.push_back({"string_too_short", loc, "String should have at least 1 character"});
  } else if (key.size() > http::kMaxIdempotencyKeyLength) {
    issues.push_back({"string_too_long", loc, "String should have at most 255 characters"});
  } else {
    issues.push_back({"string_pattern_mismatch", loc, "String should match pattern '^[!-~]+$'"});
  }
  return std::nullopt;
}

std::optional<std::string> idempotency_key_or_fail(const Context& ctx, int status) {
  validation::Issues issues;
  auto key = idempotency_key(ctx, issues);
  if (!issues.empty()) fail(status, "Invalid idempotency key");
  return key;
}

upstream::Idempotency idempotency_for(const Context& ctx, const std::optional<std::string>& key,
                                      std::int64_t caller) {
  return idempotency_for(ctx, key, std::to_string(caller));
}

upstream::Idempotency idempotency_for(const Context& ctx, const std::optional<std::string>& key,
                                      std::string_view caller) {
  if (!key) return {};
  return upstream::Idempotency{
      *key, http::request_fingerprint(ctx.request.method, ctx.request.path, ctx.request.body),
      std::string(caller)};
}

bool replayed(const grpc::Status& status, const upstream::Metadata& trailers,
              int mismatch_status) {
  std::string_view outcome;
  for (const auto& [name, value] : trailers) {
    if (name == "x-idempotency") outcome = value;
  }
  if (outcome == "mismatch") {
    fail(mismatch_status, "Idempotency key was used with a different request");
  }
  if (outcome == "in-flight" || status.error_code() == grpc::StatusCode::ABORTED) {
    fail(409, "A request with this idempotency key is in progress");
  }
  return status.ok() && outcome == "replayed";
}

http::Response mark_replayed(http::Response response, bool replayed) {
  if (replayed) response.set_header("Idempotent-Replayed", "true");
  return response;
}

http::Response no_content() {
  http::Response response;
  response.status = 204;
  return response;
}

boost::asio::awaitable<userpb::Account> get_account(Context& ctx, std::int64_t id) {
  userpb::GetUserRequest request;
  request.set_id(id);
  auto reply = co_await ctx.services.backend.GetUser(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) fail(404, "User not found");
  co_return take(std::move(reply), "user.GetUser").account();
}

boost::asio::awaitable<std::vector<userpb::Account>> list_accounts(Context& ctx,
                                                                   std::int64_t offset,
                                                                   std::int64_t limit) {
  // The user service pages at most 1000 rows per call.
  constexpr std::int64_t kPage = 1000;
  std::vector<userpb::Account> accounts;
  while (limit > 0) {
    userpb::ListUsersRequest request;
    request.set_offset(offset);
    request.set_limit(std::min(limit, kPage));
    auto reply = co_await ctx.services.backend.ListUsers(request, ctx.request_id());
    auto page = take(std::move(reply), "user.ListUsers");
    auto got = static_cast<std::int64_t>(page.accounts_size());
    for (auto& account : *page.mutable_accounts()) accounts.push_back(std::move(account));
    if (got < std::min(limit, kPage)) break;
    offset += got;
    limit -= got;
  }
  co_return accounts;
}

boost::asio::awaitable<userpb::Account> update_account(Context& ctx,
                                                       const userpb::UpdateUserRequest& request) {
  auto reply = co_await ctx.services.backend.UpdateUser(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) fail(404, "User not found");
  co_return take(std::move(reply), "user.UpdateUser").account();
}

boost::asio::awaitable<void> delete_account(Context& ctx, std::int64_t id) {
  userpb::DeleteUserRequest request;
  request.set_id(id);
  auto reply = co_await ctx.services.backend.DeleteUser(request, ctx.request_id());
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) fail(404, "User not found");
  take(std::move(reply), "user.DeleteUser");
  authpb::DeleteCredentialsRequest credentials;
  credentials.set_user_id(id);
  auto removed = co_await ctx.services.backend.DeleteCredentials(credentials, ctx.request_id());
  take(std::move(removed), "auth.DeleteCredentials");
}

boost::asio::awaitable<void> set_password(Context& ctx, std::int64_t id,
                                          const std::string& password) {
  authpb::SetPasswordRequest request;
  request.set_user_id(id);
  request.set_password(password);
  auto reply = co_await ctx.services.backend.SetPassword(request, ctx.request_id());
  take(std::move(reply), "auth.SetPassword");
}

}  // namespace fleet::gateway::app
