#include "app/cors.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "app/setting_text.h"

namespace fleet::gateway::app {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string joined;
  for (const auto& item : items) joined += (joined.empty() ? "" : ", ") + item;
  return joined;
}

// "default; surface=value; ..." -> the value for each surface (the default where none is named).
std::array<std::string, kSurfaceCount> per_surface(std::string_view setting,
                                                   std::string_view name) {
  std::array<std::string, kSurfaceCount> values;
  std::array<bool, kSurfaceCount> named{};
  while (!setting.empty()) {
    const auto semicolon = setting.find(';');
    const auto entry = trim(setting.substr(0, semicolon));
    const auto equals = entry.find('=');
    if (equals == std::string_view::npos) {
      for (std::size_t i = 0; i < kSurfaceCount; ++i) {
        if (!named[i]) values[i] = std::string(entry);
      }
    } else {
      const auto surface = surface_named(trim(entry.substr(0, equals)));
      if (!surface) {
        throw std::invalid_argument(std::string(name) + ": unknown surface '" +
                                    std::string(trim(entry.substr(0, equals))) + "'");
      }
      const auto i = static_cast<std::size_t>(*surface);
      values[i] = std::string(trim(entry.substr(equals + 1)));
      named[i] = true;
    }
    if (semicolon == std::string_view::npos) break;
    setting.remove_prefix(semicolon + 1);
  }
  return values;
}

int parse_max_age(std::string_view text) {
  int seconds = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (error != std::errc{} || end != text.data() + text.size() || seconds < 0 || seconds > 86400) {
    throw std::invalid_argument("CORS_MAX_AGE: '" + std::string(text) +
                                "' is not a number of seconds in 0..86400");
  }
  return seconds;
}

bool contains(const std::vector<std::string>& items, std::string_view value) {
  return std::any_of(items.begin(), items.end(),
                     [&](const std::string& item) { return http::iequals(item, value); });
}

}  // namespace

bool CorsPolicy::allows_origin(std::string_view origin) const {
  return !origin.empty() &&
         std::any_of(origins.begin(), origins.end(), [&](const std::string& allowed) {
           return allowed == "*" || allowed == origin;
         });
}

CorsPolicies parse_cors(const CorsSettings& settings) {
  const auto origins = per_surface(settings.origins, "CORS_ORIGINS");
  const auto methods = per_surface(settings.methods, "CORS_METHODS");
  const auto headers = per_surface(settings.headers, "CORS_HEADERS");
  const auto max_ages = per_surface(settings.max_age, "CORS_MAX_AGE");
  CorsPolicies policies;
  for (std::size_t i = 0; i < kSurfaceCount; ++i) {
    policies[i].origins = split_list(origins[i]);
    policies[i].methods = split_list(methods[i]);
    for (auto& method : policies[i].methods) {
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    policies[i].headers = split_list(headers[i]);
    policies[i].max_age_seconds = parse_max_age(max_ages[i]);
  }
  return policies;
}

bool is_preflight(const http::Request& request) {
  return request.method == "OPTIONS" && request.has_header("Origin") &&
         request.has_header("Access-Control-Request-Method");
}

std::optional<http::Response> answer_preflight(const CorsPolicy& policy,
                                               const http::Request& request, std::string& refusal) {
  const auto origin = request.header("Origin");
  if (!policy.allows_origin(origin)) {
    refusal = "Disallowed CORS origin";
    return std::nullopt;
  }
  if (!contains(policy.methods, trim(request.header("Access-Control-Request-Method")))) {
    refusal = "Disallowed CORS method";
    return std::nullopt;
  }
  for (const auto& header : split_list(request.header("Access-Control-Request-Headers"))) {
    if (!contains(policy.headers, header)) {
      refusal = "Disallowed CORS headers";
      return std::nullopt;
    }
  }
  http::Response response;
  response.status = 204;
  add_cors_headers(policy, request, response);
  response.set_header("Access-Control-Allow-Methods", join(policy.methods));
  response.set_header("Access-Control-Allow-Headers", join(policy.headers));
  response.set_header("Access-Control-Max-Age", std::to_string(policy.max_age_seconds));
  return response;
}

void add_cors_headers(const CorsPolicy& policy, const http::Request& request,
                      http::Response& response) {
  const auto origin = request.header("Origin");
  if (!policy.allows_origin(origin)) return;
  const bool any = contains(policy.origins, "*");
  response.set_header("Access-Control-Allow-Origin", any ? "*" : std::string(origin));
  // The answer depends on Origin unless every origin gets the same one.
  if (!any) response.set_header("Vary", "Origin");
  response.set_header("Access-Control-Expose-Headers",
                      "X-Request-Id, Retry-After, Idempotent-Replayed");
}

}  // namespace fleet::gateway::app
