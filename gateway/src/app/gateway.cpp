#include "app/gateway.h"

#include "app/metrics.h"
#include "endpoint/pipeline.h"
#include "fleet/common/logging.h"
#include "http/url.h"
#include "render/errors.h"
#include "surfaces/docs.h"
#include "surfaces/routes.h"

namespace fleet::gateway::app {
namespace {

std::size_t index_of(Surface surface) { return static_cast<std::size_t>(surface); }

// Operations and documentation: /healthz, /readyz, /metrics, /openapi.json, /docs, /redoc and
// anything under /docs/ (its assets).
bool is_ops_path(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/openapi.json" ||
         path == "/docs" || path == "/redoc" || path.starts_with("/docs/");
}

bool is_docs_path(std::string_view path) {
  return path == "/openapi.json" || path == "/docs" || path == "/redoc" ||
         path.starts_with("/docs/");
}

// The answer to a handler's exception, in the surface's error body.
http::Response failure_response(Surface surface, const http::Request& request,
                                std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const render::ApiError& e) {
    if (!e.cause().empty()) {
      fleet::log::ScopedRequestId scope(request.request_id);
      fleet::log::error("upstream_failed",
                        {{"path", request.path}, {"status", e.status()}, {"cause", e.cause()}});
    }
    return render::error_response(surface, e.status(), e.what());
  } catch (const render::ValidationError& e) {
    // Streetlight and pisync handlers turn issues into their own 400 text; this is a fallback.
    return render::uses_detail(surface) ? render::validation_response(e.issues())
                                        : render::error_response(surface, 400, "Invalid request");
  } catch (const std::exception& e) {
    fleet::log::ScopedRequestId scope(request.request_id);
    fleet::log::error("handler_failed", {{"path", request.path}, {"cause", e.what()}});
  } catch (...) {
    fleet::log::ScopedRequestId scope(request.request_id);
    fleet::log::error("handler_failed", {{"path", request.path}, {"cause", "unknown exception"}});
  }
  return render::error_response(surface, 500, render::generic_text(500));
}

// 404, or 405 with the methods the path allows, in the surface's body.
template <typename Result>
http::Response unmatched(Surface surface, const Result& match) {
  const bool detail = render::uses_detail(surface);
  if (match.kind == router::MatchKind::kNotFound) {
    return render::error_response(surface, 404, detail ? "Not Found" : "Route not found");
  }
  auto response =
      render::error_response(surface, 405, detail ? "Method Not Allowed" : "Method not allowed");
  std::string allow;
  for (const auto& method : match.allowed) allow += (allow.empty() ? "" : ", ") + method;
  response.set_header("Allow", allow);
  return response;
}

}  // namespace

Gateway::Gateway(Services services, CorsPolicies cors, RateLimiter* limiter)
    : services_(services), cors_(std::move(cors)), limiter_(limiter) {
  for (const auto& table : surfaces::http_tables()) {
    for (const auto& row : table) {
      surfaces_[index_of(row.surface)].add(std::string(row.method), row.path, &row);
      row_routes_.emplace(
          &row, services_.metrics.routes().add(surface_name(row.surface), row.method, row.path));
    }
  }
  for (std::size_t i = 0; i < kSurfaceCount; ++i) {
    const auto name = surface_name(static_cast<Surface>(i));
    unmatched_route_[i] = services_.metrics.routes().add(name, "*", "unmatched");
    preflight_route_[i] = services_.metrics.routes().add(name, "OPTIONS", "preflight");
  }
  for (const auto* path : {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc",
                           "/docs/assets/{file}"}) {
    ops_routes_.emplace_back(path, services_.metrics.routes().add("ops", "GET", path));
  }
  for (const auto& row : surfaces::socket_rows()) {
    sockets_.add(std::string(row.method), row.path, &row);
  }
  surfaces::add_ops_routes(ops_);
  auto documented = surfaces::http_tables();
  documented.push_back(surfaces::socket_rows());
  surfaces::add_docs_routes(ops_, std::move(documented));
}

http::Response Gateway::error(std::string_view path, int status, std::string_view text) {
  return render::error_response(surface_for_path(path), status, text);
}

void Gateway::on_response(std::string_view path, int status) {
  services_.metrics.count_request(path, status);
}

boost::asio::awaitable<http::Response> Gateway::handle(http::Request request) {
  const auto started = std::chrono::steady_clock::now();
  const Surface surface = surface_for_path(request.path);
  const auto& cors = cors_[index_of(surface)];
  std::optional<http::Response> response;
  std::size_t route = preflight_route_[index_of(surface)];
  if (is_preflight(request)) {
    std::string refusal;
    response = answer_preflight(cors, request, refusal);
    if (!response) response = render::error_response(surface, 400, refusal);
  } else {
    route = unmatched_route_[index_of(surface)];
    response = co_await dispatch(request, surface, route);
    add_cors_headers(cors, request, *response);
  }
  services_.metrics.routes().observe(route, response->status,
                                     std::chrono::steady_clock::now() - started);
  co_return std::move(*response);
}

std::size_t Gateway::ops_route(std::string_view path) const {
  for (const auto& [template_path, id] : ops_routes_) {
    if (template_path == path ||
        (template_path.ends_with("{file}") &&
         path.starts_with(template_path.substr(0, template_path.size() - 6)))) {
      return id;
    }
  }
  return unmatched_route_[index_of(Surface::kRental)];
}

boost::asio::awaitable<http::Response> Gateway::dispatch(const http::Request& request,
                                                         Surface surface, std::size_t& route) {
  const auto segments = http::split_path(request.path);
  if (is_ops_path(request.path)) {
    route = ops_route(request.path);
    if (limiter_ && limiter_->rules().docs && is_docs_path(request.path)) {
      if (auto refused = limit(request, surface, "docs", *limiter_->rules().docs)) {
        co_return std::move(*refused);
      }
    }
    auto ops = ops_.find(request.method, segments);
    if (ops.kind != router::MatchKind::kFound) co_return unmatched(surface, ops);
    Context ctx{request, std::move(ops.params), http::parse_urlencoded(request.query), surface,
                services_};
    co_return co_await (*ops.handler)(ctx);
  }
  auto match = surfaces_[index_of(surface)].find(request.method, segments);
  if (match.kind != router::MatchKind::kFound) co_return unmatched(surface, match);
  route = row_routes_.at(*match.handler);
  if (limiter_) {
    const auto& row = **match.handler;
    if (auto rule = limiter_->rules().for_route(surface, row.method, row.path)) {
      if (auto refused = limit(request, surface, rule->second, rule->first)) {
        co_return std::move(*refused);
      }
    }
  }

  Context ctx{request, std::move(match.params), http::parse_urlencoded(request.query), surface,
              services_};
  std::optional<http::Response> response;
  try {
    response = co_await endpoint::run(**match.handler, ctx);
  } catch (...) {
    response = failure_response(surface, request, std::current_exception());
  }
  co_return std::move(*response);
}

std::optional<http::Response> Gateway::limit(const http::Request& request, Surface surface,
                                             std::string_view scope, const Rate& rate) {
  const auto wait = limiter_->take(request, scope, rate);
  if (!wait) return std::nullopt;
  services_.metrics.rate_limited(request.path);
  auto response = render::error_response(surface, 429, "Too many requests");
  response.set_header("Retry-After", std::to_string(wait->count()));
  return response;
}

boost::asio::awaitable<server::Upgrade> Gateway::upgrade(http::Request request) {
  const Surface surface = surface_for_path(request.path);
  auto match = sockets_.find(request.method, http::split_path(request.path));
  if (match.kind != router::MatchKind::kFound) {
    const bool detail = render::uses_detail(surface);
    co_return server::Upgrade{
        render::error_response(surface, 404, detail ? "Not Found" : "Route not found"), nullptr};
  }
  Context ctx{request, std::move(match.params), http::parse_urlencoded(request.query), surface,
              services_};
  std::optional<server::Upgrade> upgrade;
  try {
    upgrade = co_await endpoint::accept(**match.handler, ctx);
  } catch (...) {
    upgrade =
        server::Upgrade{failure_response(surface, request, std::current_exception()), nullptr};
  }
  co_return std::move(*upgrade);
}

}  // namespace fleet::gateway::app
