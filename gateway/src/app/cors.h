#pragma once
// CORS per surface: which browser origins may call a surface, with which methods and request
// headers, and for how long a browser may cache a preflight's answer. By default no origin is
// allowed, so browsers keep cross-origin pages out until an operator lists them.
//
// Each setting (CORS_ORIGINS, CORS_METHODS, CORS_HEADERS, CORS_MAX_AGE) is a value for every
// surface, optionally followed by per-surface values, separated by ';':
//   CORS_ORIGINS="https://app.example.com;
//   repair=https://shop.example.com,https://admin.example.com"
// Surfaces are named rental, users-v1, repair, streetlight and pisync; lists are comma-separated;
// "*" as an origin allows any (the API uses bearer tokens, not cookies, so no credentials).
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "router/surface.h"

namespace fleet::gateway::app {

struct CorsPolicy {
  std::vector<std::string> origins;  // exact "scheme://host[:port]", or "*"
  std::vector<std::string> methods;  // upper case
  std::vector<std::string> headers;  // as configured; compared case-insensitively
  int max_age_seconds = 600;

  bool allows_origin(std::string_view origin) const;
};

using CorsPolicies = std::array<CorsPolicy, kSurfaceCount>;  // indexed by Surface

struct CorsSettings {
  std::string origins;                                    // default: none
  std::string methods = "GET, POST, PUT, PATCH, DELETE";  //
  std::string headers = "Authorization, Content-Type, X-Idempotency-Key, X-Request-ID";
  std::string max_age = "600";  // seconds, 0..86400
};

// Throws std::invalid_argument naming the setting's problem (an unknown surface, a bad number).
CorsPolicies parse_cors(const CorsSettings& settings);

// A preflight: OPTIONS with Origin and Access-Control-Request-Method.
bool is_preflight(const http::Request& request);

// The answer to a preflight, without any backend call: 204 with the Access-Control-Allow-*
// headers, or nullopt with `refusal` set ("Disallowed CORS origin", "... method", "... headers"),
// which the caller renders as a 400 in the surface's error body.
std::optional<http::Response> answer_preflight(const CorsPolicy& policy,
                                               const http::Request& request, std::string& refusal);

// For a request from an allowed Origin, the headers that let the browser read the response.
void add_cors_headers(const CorsPolicy& policy, const http::Request& request,
                      http::Response& response);

}  // namespace fleet::gateway::app
