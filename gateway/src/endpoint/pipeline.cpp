#include "endpoint/pipeline.h"

#include "app/metrics.h"
#include "app/support.h"
#include "cache/response_cache.h"
#include "endpoint/accounts.h"
#include "fleet/common/logging.h"
#include "http/form.h"
#include "http/idempotency.h"
#include "render/errors.h"
#include "upstream/http_status.h"

namespace fleet::gateway::endpoint {
namespace {

// ROLE_UNSPECIFIED counts as a user.
int rank(Role role) { return role == ::fleetgate::user::v1::ROLE_UNSPECIFIED ? 1 : role; }

http::ParamList path_list(const router::PathParams& params, const validation::Schema& schema) {
  http::ParamList list;
  for (const auto& field : schema) {
    if (auto value = params.get(field.name)) list.add(std::string(field.name), std::string(*value));
  }
  return list;
}

void collect(validation::Outcome&& outcome, validation::Values& values,
             validation::Issues& issues) {
  values = std::move(outcome.values);
  issues.insert(issues.end(), std::make_move_iterator(outcome.issues.begin()),
                std::make_move_iterator(outcome.issues.end()));
}

// The body of the row's kind, validated into `values`.
void read_body(const Endpoint& row, const app::Context& ctx, validation::Values& values,
               validation::Issues& issues) {
  const auto content_type = ctx.request.header("Content-Type");
  switch (row.body_kind) {
    case Body::kNone:
      return;
    case Body::kJson:
      collect(validation::validate_json_body(ctx.request, row.body), values, issues);
      return;
    case Body::kForm:
    case Body::kJsonOrForm: {
      const bool form = http::is_form(content_type);
      if (!form && row.body_kind == Body::kJsonOrForm) {
        collect(validation::validate_json_body(ctx.request, row.body), values, issues);
        return;
      }
      http::ParamList fields;
      if (form) {
        auto parsed = http::parse_form(content_type, ctx.request.body);
        if (!parsed) app::fail(400, "There was an error parsing the body");
        fields = std::move(*parsed);
      }
      collect(validation::validate_form(fields, row.body), values, issues);
      return;
    }
  }
}

// Path, query, X-Idempotency-Key and body, in FastAPI's order. Surfaces with FastAPI bodies
// answer 422 with every issue; streetlight and pisync a 400 with the row's one text.
void validate(const Endpoint& row, Call& call) {
  const auto& ctx = call.ctx;
  validation::Issues issues;
  collect(
      validation::validate_params(path_list(ctx.params, row.path_params), row.path_params, "path"),
      call.path, issues);
  collect(validation::validate_params(ctx.query, row.query, "query"), call.query, issues);
  validation::Issues key_issues;
  if (row.idempotent) call.idempotency_key = app::idempotency_key(ctx, key_issues);
  if (render::uses_detail(row.surface)) {
    issues.insert(issues.end(), key_issues.begin(), key_issues.end());
    read_body(row, ctx, call.body, issues);
    app::throw_if_invalid(issues);
    return;
  }
  read_body(row, ctx, call.body, issues);
  if (!issues.empty()) app::fail(400, row.problem ? row.problem(issues) : "Invalid request");
  if (!key_issues.empty()) app::fail(400, "Invalid idempotency key");
}

// A string, not a view: grpc::Status::error_message() returns its text by value.
std::string rule_text(const Endpoint& row, std::string_view text, const grpc::Status& status) {
  if (text == kUpstreamText) return status.error_message();
  if (text == kForbiddenText) return std::string(app::forbidden_text(row.surface));
  if (text == kInvalidTokenText) return std::string(app::invalid_token_text(row.surface));
  return std::string(text);
}

}  // namespace

boost::asio::awaitable<userpb::Account> load_principal(app::Context& ctx, std::int64_t user_id) {
  auto reply = co_await find_account(ctx, user_id);
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) {
    app::fail(401, std::string(app::invalid_token_text(ctx.surface)));
  }
  if (!reply.ok()) app::fail_upstream(reply.status, "user.GetUser");
  if (!reply.message.account().is_active()) app::fail(403, "User is inactive");
  co_return std::move(*reply.message.mutable_account());
}

bool allowed(const Policy& policy, const userpb::Account& principal,
             const validation::Values& path) {
  switch (policy.access) {
    case Access::kPublic:
    case Access::kToken:
      return true;
    case Access::kRole:
      return rank(principal.role()) >= rank(policy.role);
    case Access::kSelfOrRole: {
      auto id = path.integer(policy.self);
      return (id && *id == principal.id()) || rank(principal.role()) >= rank(policy.role);
    }
  }
  return false;
}

void fail_upstream(const Endpoint& row, const UpstreamFailure& failure) {
  const auto& status = failure.status();
  for (const auto& rule : row.errors) {
    if (rule.code != status.error_code()) continue;
    if (!rule.reason.empty() && rule.reason != status.error_message()) continue;
    app::fail(rule.status, rule_text(row, rule.text, status));
  }
  app::fail_upstream(status, failure.call());
}

// Token, validation, principal and access: everything before the row's own code.
boost::asio::awaitable<void> admit(Call& call) {
  const auto& row = call.row;
  std::optional<token::Claims> claims;
  if (row.access.access != Access::kPublic) {
    if (row.accept) {
      claims = co_await app::require_socket_token(call.ctx);
    } else {
      claims = co_await app::require_token(call.ctx);
    }
  }
  validate(row, call);
  if (claims) {
    call.token_expires_at = claims->expires_at;
    call.principal = co_await load_principal(call.ctx, claims->user_id);
    if (!allowed(row.access, *call.principal, call.path)) call.forbid();
  }
}

// Runs the row's own code (`run` or `accept`); a failed upstream call goes through the row's
// error rules, rendered outside the handler since the rules throw.
template <typename Result, typename Translation>
boost::asio::awaitable<Result> translate(Call& call, Translation translation) {
  std::optional<Result> result;
  std::optional<UpstreamFailure> failure;
  try {
    result = co_await translation(call);
  } catch (const UpstreamFailure& e) {
    failure = e;
  }
  if (failure) fail_upstream(call.row, *failure);
  co_return std::move(*result);
}

// What a cached answer of the row is kept under: what `vary` says of the caller, the path and
// the raw query (every input of a GET row).
std::string cache_key(const Call& call) {
  const auto& request = call.ctx.request;
  std::string key = call.row.cache.vary ? call.row.cache.vary(call) : std::string();
  key.reserve(key.size() + request.path.size() + request.query.size() + 2);
  key += '\n';
  key += request.path;
  key += '?';
  key += request.query;
  return key;
}

// A cacheable row once admitted: the kept answer while its topic is unchanged, else the row's own
// code, whose 200 is kept unless something changed meanwhile (the ticket).
boost::asio::awaitable<http::Response> cached(Call& call, cache::ResponseCache& responses) {
  const auto& policy = call.row.cache;
  auto key = cache_key(call);
  auto& metrics = call.ctx.services.metrics;
  if (auto hit = responses.find(policy.service, policy.topic, key)) {
    metrics.response_cache(call.row.surface, true);
    co_return std::move(*hit);
  }
  metrics.response_cache(call.row.surface, false);
  const auto ticket = responses.ticket(policy.service, policy.topic);
  auto response = co_await translate<http::Response>(call, call.row.run);
  if (ticket && response.status == 200) responses.store(*ticket, std::move(key), response);
  co_return response;
}

boost::asio::awaitable<server::Upgrade> accept(const Endpoint& row, app::Context& ctx) {
  Call call(row, ctx);
  co_await admit(call);
  co_return co_await translate<server::Upgrade>(call, row.accept);
}

boost::asio::awaitable<http::Response> run(const Endpoint& row, app::Context& ctx) {
  Call call(row, ctx);
  co_await admit(call);
  auto* responses = ctx.services.responses;
  if (responses != nullptr && !row.cache.service.empty())
    co_return co_await cached(call, *responses);
  std::optional<render::ApiError> replayed_refusal;
  try {
    auto response = co_await translate<http::Response>(call, row.run);
    if (call.replayed) response.set_header("Idempotent-Replayed", "true");
    co_return response;
  } catch (const render::ApiError& e) {
    if (!call.replayed) throw;
    replayed_refusal = e;
  }
  // A client error stored with the key replays like a stored success, marked the same way.
  auto response =
      render::error_response(row.surface, replayed_refusal->status(), replayed_refusal->what());
  response.set_header("Idempotent-Replayed", "true");
  co_return response;
}

// Call

std::string Call::caller() const {
  return principal ? std::to_string(principal->id()) : std::string(app::kAnonymousCaller);
}

upstream::Idempotency Call::idempotency() const {
  if (!idempotency_key) return {};
  return upstream::Idempotency{
      *idempotency_key,
      http::request_fingerprint(ctx.request.method, ctx.request.path, ctx.request.body), caller()};
}

void Call::check_idempotency(const grpc::Status& status, const upstream::Metadata& trailers) {
  if (!idempotency_key) return;
  std::string_view outcome;
  for (const auto& [name, value] : trailers) {
    if (name == "x-idempotency") outcome = value;
  }
  if (outcome == "mismatch") fail(422, "Idempotency key was used with a different request");
  if (outcome == "in-flight" || status.error_code() == grpc::StatusCode::ABORTED) {
    fail(409, "A request with this idempotency key is in progress");
  }
  replayed = outcome == "replayed";
}

http::Response Call::json(const boost::json::value& body) const {
  return app::json(row.success, body);
}

http::Response Call::raw_json(std::string body) const {
  return app::raw_json(row.success, std::move(body));
}

http::Response Call::no_content() const { return app::no_content(); }

void Call::note_changes(std::string_view service, const upstream::Metadata& trailers) const {
  auto* responses = ctx.services.responses;
  if (responses == nullptr) return;
  for (const auto& [name, value] : trailers) {
    if (name == "x-change-version") responses->apply(service, value);
  }
}

void Call::forbid() const { app::forbidden(ctx); }

void Call::fail(int status, std::string text) const { app::fail(status, std::move(text)); }

}  // namespace fleet::gateway::endpoint
