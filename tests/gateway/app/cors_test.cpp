// CORS per surface (app/cors.*): the settings' format, preflight answers and refusals, and the
// headers added to an allowed origin's responses. gateway_test.cpp checks the dispatcher uses them.
#include "app/cors.h"

#include <catch2/catch.hpp>
#include <stdexcept>

using namespace fleet::gateway;
using app::CorsSettings;

namespace {

const app::CorsPolicy& of(const app::CorsPolicies& policies, Surface surface) {
  return policies[static_cast<std::size_t>(surface)];
}

http::Request preflight(std::string origin, std::string method, std::string headers = {}) {
  http::Request request;
  request.method = "OPTIONS";
  request.path = "/v1/orders";
  request.headers = {{"Origin", std::move(origin)},
                     {"Access-Control-Request-Method", std::move(method)}};
  if (!headers.empty()) request.headers.emplace_back("Access-Control-Request-Headers", headers);
  return request;
}

}  // namespace

TEST_CASE("by default no origin is allowed on any surface", "[cors]") {
  const auto policies = app::parse_cors(CorsSettings{});
  for (const auto& policy : policies) {
    CHECK_FALSE(policy.allows_origin("https://app.example.com"));
    CHECK(policy.max_age_seconds == 600);
    CHECK(policy.methods == std::vector<std::string>{"GET", "POST", "PUT", "PATCH", "DELETE"});
  }
}

TEST_CASE("a setting has a value for every surface and per-surface values", "[cors]") {
  CorsSettings settings;
  settings.origins = "https://app.example.com; repair=https://shop.example.com, https://a.example";
  settings.methods = "get,post; pisync=GET";
  settings.max_age = "60; streetlight=0";
  const auto policies = app::parse_cors(settings);
  CHECK(of(policies, Surface::kRental).allows_origin("https://app.example.com"));
  CHECK_FALSE(of(policies, Surface::kRental).allows_origin("https://shop.example.com"));
  CHECK(of(policies, Surface::kRepair).allows_origin("https://shop.example.com"));
  CHECK(of(policies, Surface::kRepair).allows_origin("https://a.example"));
  CHECK_FALSE(of(policies, Surface::kRepair).allows_origin("https://app.example.com"));
  CHECK(of(policies, Surface::kUsersV1).methods == std::vector<std::string>{"GET", "POST"});
  CHECK(of(policies, Surface::kPisync).methods == std::vector<std::string>{"GET"});
  CHECK(of(policies, Surface::kStreetlight).max_age_seconds == 0);
  CHECK(of(policies, Surface::kRental).max_age_seconds == 60);
  // Origins are compared exactly: no prefix, no other scheme or port.
  CHECK_FALSE(of(policies, Surface::kRental).allows_origin("https://app.example.com.evil.io"));
  CHECK_FALSE(of(policies, Surface::kRental).allows_origin("http://app.example.com"));
  CHECK_FALSE(of(policies, Surface::kRental).allows_origin(""));
}

TEST_CASE("a malformed setting is a configuration error", "[cors]") {
  CorsSettings unknown_surface;
  unknown_surface.origins = "shop=https://shop.example.com";
  CHECK_THROWS_WITH(app::parse_cors(unknown_surface), "CORS_ORIGINS: unknown surface 'shop'");
  for (const auto* bad : {"soon", "-1", "86401", "10s"}) {
    CorsSettings settings;
    settings.max_age = bad;
    CHECK_THROWS_AS(app::parse_cors(settings), std::invalid_argument);
  }
}

TEST_CASE("a preflight from an allowed origin gets the allowed methods and headers", "[cors]") {
  CorsSettings settings;
  settings.origins = "https://app.example.com";
  const auto policy = of(app::parse_cors(settings), Surface::kRepair);
  std::string refusal;
  auto answer = app::answer_preflight(
      policy, preflight("https://app.example.com", "PATCH", "authorization, content-type"),
      refusal);
  REQUIRE(answer);
  CHECK(answer->status == 204);
  CHECK(answer->header("Access-Control-Allow-Origin") == "https://app.example.com");
  CHECK(answer->header("Vary") == "Origin");
  CHECK(answer->header("Access-Control-Allow-Methods") == "GET, POST, PUT, PATCH, DELETE");
  CHECK(answer->header("Access-Control-Allow-Headers") ==
        "Authorization, Content-Type, X-Idempotency-Key, X-Request-ID");
  CHECK(answer->header("Access-Control-Max-Age") == "600");
  CHECK(answer->body.empty());
}

TEST_CASE("a preflight is refused for an origin, method or header not allowed", "[cors]") {
  CorsSettings settings;
  settings.origins = "https://app.example.com";
  settings.methods = "GET";
  const auto policy = of(app::parse_cors(settings), Surface::kRepair);
  std::string refusal;
  CHECK_FALSE(app::answer_preflight(policy, preflight("https://evil.example", "GET"), refusal));
  CHECK(refusal == "Disallowed CORS origin");
  CHECK_FALSE(
      app::answer_preflight(policy, preflight("https://app.example.com", "DELETE"), refusal));
  CHECK(refusal == "Disallowed CORS method");
  CHECK_FALSE(app::answer_preflight(policy, preflight("https://app.example.com", "GET", "X-Secret"),
                                    refusal));
  CHECK(refusal == "Disallowed CORS headers");
}

TEST_CASE("responses to an allowed origin let the browser read them, others get nothing",
          "[cors]") {
  CorsSettings settings;
  settings.origins = "https://app.example.com; pisync=*";
  const auto policies = app::parse_cors(settings);
  http::Request request;
  request.headers = {{"Origin", "https://app.example.com"}};
  http::Response allowed;
  app::add_cors_headers(of(policies, Surface::kRental), request, allowed);
  CHECK(allowed.header("Access-Control-Allow-Origin") == "https://app.example.com");
  CHECK(allowed.header("Vary") == "Origin");
  CHECK(allowed.header("Access-Control-Expose-Headers") ==
        "X-Request-Id, Retry-After, Idempotent-Replayed");

  http::Response any;
  app::add_cors_headers(of(policies, Surface::kPisync), request, any);
  CHECK(any.header("Access-Control-Allow-Origin") == "*");
  CHECK(any.header("Vary").empty());

  request.headers = {{"Origin", "https://evil.example"}};
  http::Response refused;
  app::add_cors_headers(of(policies, Surface::kRental), request, refused);
  CHECK(refused.headers.empty());
}

TEST_CASE("only OPTIONS with Origin and Access-Control-Request-Method is a preflight", "[cors]") {
  CHECK(app::is_preflight(preflight("https://a.example", "GET")));
  auto options = preflight("https://a.example", "GET");
  options.headers.pop_back();
  CHECK_FALSE(app::is_preflight(options));
  auto get = preflight("https://a.example", "GET");
  get.method = "GET";
  CHECK_FALSE(app::is_preflight(get));
}
