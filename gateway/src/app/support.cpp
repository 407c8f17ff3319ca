#include "app/support.h"

#include <variant>

#include "auth/bearer.h"
#include "auth/key_store.h"
#include "fleet/common/logging.h"
#include "http/idempotency.h"
#include "http/json.h"
#include "upstream/http_status.h"

namespace fleet::gateway::app {

void fail(int status, std::string text) { throw render::ApiError(status, text); }

void fail_upstream(const grpc::Status& status, std::string_view call) {
  int http_status = upstream::http_status_for(status.error_code());
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
// stands in for a missing Authorization header. A token of a key the gateway does not hold yet
// (auth rotated its key) is verified again once the key set has been fetched again.
boost::asio::awaitable<std::variant<token::Claims, std::string_view>> check_token(
    const Context& ctx, bool allow_query = false) {
  auto bearer = auth::parse_bearer(ctx.request.header("Authorization"));
  if (!bearer && allow_query && !ctx.request.has_header("Authorization")) {
    auto query = ctx.query.get("token");
    if (query && !query->empty()) bearer = *query;
  }
  if (!bearer) co_return missing_token_text(ctx.surface);
  auto verified = ctx.services.keys.verify(*bearer);
  if (verified && verified->error == token::VerifyError::kUnknownKey && !*verified) {
    co_await auth::refetch_public_keys(ctx.services.upstream, ctx.services.keys);
    verified = ctx.services.keys.verify(*bearer);
  }
  if (!verified) fail(503, std::string(render::generic_text(503)));
  auto& result = *verified;
  if (!result) {
    fleet::log::ScopedRequestId scope(ctx.request_id());
    fleet::log::info("token_rejected", {{"reason", token::to_string(result.error)}});
    co_return invalid_token_text(ctx.surface);
  }
  co_return std::move(*result.claims);
}

}  // namespace

boost::asio::awaitable<token::Claims> require_token(const Context& ctx) {
  auto checked = co_await check_token(ctx);
  if (auto* text = std::get_if<std::string_view>(&checked)) fail(401, std::string(*text));
  co_return std::get<token::Claims>(std::move(checked));
}

boost::asio::awaitable<token::Claims> require_socket_token(const Context& ctx) {
  auto checked = co_await check_token(ctx, true);
  if (auto* text = std::get_if<std::string_view>(&checked)) fail(401, std::string(*text));
  co_return std::get<token::Claims>(std::move(checked));
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

http::Response no_content() {
  http::Response response;
  response.status = 204;
  return response;
}

}  // namespace fleet::gateway::app
