// The dispatcher (app/gateway.cpp, app/support.cpp): routing per surface with 404 and 405 in the
// surface's body, validation before any upstream call, and upstream failures mapped per surface,
// 5xx carrying only the generic text.
#include <catch2/catch.hpp>

#include "support/gateway_harness.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

TEST_CASE("routing: 404 and 405 per surface") {
  Harness h;
  CHECK(h.call("GET", "/nope").body == R"({"detail":"Not Found"})");
  CHECK(h.call("GET", "/api/nope").body ==
        R"({"status":404,"message":"Route not found","data":null})");
  CHECK(h.call("GET", "/pisync/nope").body == R"({"message":"Route not found"})");
  CHECK(h.call("GET", "/v1/nope").body == R"({"detail":"Not Found"})");
  auto wrong = h.call("GET", "/v1/auth/login");
  CHECK(wrong.status == 405);
  CHECK(wrong.body == R"({"detail":"Method Not Allowed"})");
  CHECK(wrong.header("Allow") == "POST");
  CHECK(h.call("GET", "/pisync/auth/login").body == R"({"message":"Method not allowed"})");
  CHECK(h.call("PUT", "/api/auth/login").body ==
        R"({"status":405,"message":"Method not allowed","data":null})");
  auto methods = h.call("POST", "/user/1");
  CHECK(methods.status == 405);
  CHECK(methods.header("Allow") == "GET, PATCH, DELETE");
  CHECK(h.canned.calls().empty());
}

TEST_CASE("validation happens before any upstream call") {
  Harness h;
  CHECK(h.call("POST", "/v1/auth/register", R"({"phone":"1"})").status == 422);
  CHECK(h.call("POST", "/pisync/auth/login", R"({"username":"a"})").status == 400);
  CHECK(h.call("POST", "/api/auth/register", R"({"name":"a"})").status == 400);
  CHECK(h.as(h.admin, "GET", "/api/v1/users/?limit=5000").status == 422);
  CHECK(h.as(h.admin, "PATCH", "/user/1", R"({"cash":"x"})").status == 422);
  CHECK(h.canned.calls().empty());
}

TEST_CASE("upstream failures: 4xx pass their text, 5xx carry only the generic text") {
  Harness h;
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNAVAILABLE, "mariadb at 10.0.0.5 refused");
  auto unavailable = h.call("POST", "/pisync/auth/login", R"({"username":"pi","password":"pw"})");
  CHECK(unavailable.status == 503);
  CHECK(unavailable.body == R"({"message":"Service unavailable"})");

  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::DEADLINE_EXCEEDED, "slow");
  auto slow = h.call("POST", "/v1/auth/login", R"({"phone":"1","password":"p"})");
  CHECK(slow.status == 504);
  CHECK(slow.body == R"({"detail":"Upstream timeout"})");
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::INTERNAL, "stack trace");
  CHECK(h.call("POST", "/api/auth/login", R"({"email":"a@b.io","password":"p"})").body ==
        R"({"status":500,"message":"Internal server error","data":null})");
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::UNKNOWN, "segfault in libfoo");
  CHECK(h.call("POST", "/api/v1/auth/login", R"({"username":"a","password":"p"})").body ==
        R"({"detail":"Internal server error"})");
  // 4xx pass their client-safe text through.
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::INVALID_ARGUMENT, "Phone is not valid");
  auto invalid = h.call("POST", "/v1/auth/login", R"({"phone":"1","password":"p"})");
  CHECK(invalid.status == 400);
  CHECK(invalid.body == R"({"detail":"Phone is not valid"})");
  h.canned.fail<authpb::LoginRequest>(grpc::StatusCode::RESOURCE_EXHAUSTED, "Too many requests");
  auto limited = h.call("POST", "/api/v1/auth/login", R"({"username":"a","password":"p"})");
  CHECK(limited.status == 429);
  CHECK(limited.body == R"({"detail":"Too many requests"})");

  // A call nobody answers (UNIMPLEMENTED) is a 5xx too: its text stays in the log.
  h.canned.remove<authpb::LoginRequest>();
  auto unanswered = h.call("POST", "/pisync/auth/login", R"({"username":"pi","password":"pw"})");
  CHECK(unanswered.status == 501);
  CHECK(unanswered.body == R"({"message":"Internal server error"})");
  CHECK(h.canned.unanswered() == std::vector<std::string>{"LoginRequest"});
  h.canned.forget();
}

TEST_CASE("CORS: preflights are answered without a backend call, in the surface's body") {
  app::CorsSettings settings;
  settings.origins = "https://app.example.com";
  Harness h(true, app::parse_cors(settings));
  auto preflight = [&](std::string path, std::string origin) {
    return h.call("OPTIONS", std::move(path), {},
                  {{"Origin", std::move(origin)},
                   {"Access-Control-Request-Method", "POST"},
                   {"Access-Control-Request-Headers", "Authorization"}});
  };
  auto allowed = preflight("/v1/orders", "https://app.example.com");
  CHECK(allowed.status == 204);
  CHECK(allowed.header("Access-Control-Allow-Origin") == "https://app.example.com");
  auto refused = preflight("/pisync/devices", "https://evil.example");
  CHECK(refused.status == 400);
  CHECK(refused.body == R"({"message":"Disallowed CORS origin"})");
  CHECK(h.canned.calls().empty());

  // An actual request from the allowed origin carries the header; by default none is allowed.
  CHECK(h.call("GET", "/healthz", {}, {{"Origin", "https://app.example.com"}})
            .header("Access-Control-Allow-Origin") == "https://app.example.com");
  Harness closed;
  CHECK(closed.call("GET", "/healthz", {}, {{"Origin", "https://app.example.com"}})
            .header("Access-Control-Allow-Origin")
            .empty());
  CHECK(closed
            .call("OPTIONS", "/v1/orders", {},
                  {{"Origin", "https://app.example.com"}, {"Access-Control-Request-Method", "GET"}})
            .status == 400);
}

TEST_CASE("rate limits: 429 in the surface's body with Retry-After, before any backend call") {
  fleet::ManualClock clock;
  app::RateLimiter limiter(app::parse_rate_limits("users-v1=1/2; docs=1/1"), {}, 1000, clock);
  Harness h(true, {}, &limiter);
  CHECK(h.as(h.alice, "GET", "/api/v1/users/3").status == 200);
  CHECK(h.as(h.alice, "GET", "/api/v1/users/3").status == 200);
  const auto calls = h.canned.calls().size();
  auto refused = h.as(h.alice, "GET", "/api/v1/users/3");
  CHECK(refused.status == 429);
  CHECK(refused.body == R"({"detail":"Too many requests"})");
  CHECK(refused.header("Retry-After") == "1");
  CHECK(h.canned.calls().size() == calls);
  CHECK(h.metrics.rate_limited_count("users-v1") == 1);
  // Other surfaces have no limit by default (a 422 is past the limits); probes never have one.
  for (int i = 0; i < 5; ++i) {
    CHECK(h.as(h.alice, "GET", "/user/abc").status == 422);
    CHECK(h.call("GET", "/healthz").status == 200);
  }
  CHECK(h.call("GET", "/openapi.json").status == 200);
  CHECK(h.call("GET", "/openapi.json").status == 429);
  clock.advance(std::chrono::seconds(1));
  CHECK(h.as(h.alice, "GET", "/api/v1/users/3").status == 200);
}

TEST_CASE("/metrics counts a request under its route template, not its raw path") {
  Harness h;
  CHECK(h.as(h.alice, "GET", "/api/v1/users/3").status == 200);
  CHECK(h.call("GET", "/nope").status == 404);
  const auto text = h.call("GET", "/metrics").body;
  CHECK_THAT(text,
             Catch::Contains(R"(fleetgate_route_requests_total{surface="users-v1",)"
                             R"(method="GET",route="/api/v1/users/{user_id}",status="200"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_route_requests_total{surface="rental",)"
                                   R"(method="*",route="unmatched",status="404"} 1)"));
  CHECK_THAT(text, !Catch::Contains("/api/v1/users/3"));
  // The principal came from user.GetUser (the account model is not current here).
  CHECK(h.metrics.upstream().calls("user", "GetUser", 0) >= 1);
  CHECK_THAT(text, Catch::Contains(R"(fleetgate_upstream_calls_total{service="user",)"
                                   R"(method="GetUser",code="OK"} )"));
}
