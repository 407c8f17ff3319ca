#include "router/router.h"

#include <catch2/catch.hpp>

#include "http/url.h"
#include "router/surface.h"

using fleet::gateway::Surface;
using fleet::gateway::surface_for_path;
using fleet::gateway::http::split_path;
using fleet::gateway::router::MatchKind;
using fleet::gateway::router::Pattern;
using fleet::gateway::router::Router;

namespace {
Router<int> rental_routes() {
  Router<int> r;
  r.add("GET", "/user/all", 1);
  r.add("GET", "/user/{uid}", 2);
  r.add("PATCH", "/user/{uid}", 3);
  r.add("DELETE", "/user/{uid}", 4);
  r.add("POST", "/user", 5);
  r.add("POST", "/auth/token", 6);
  return r;
}
}  // namespace

TEST_CASE("router: literal routes beat parameter routes of the same method") {
  auto r = rental_routes();
  auto all = r.find("GET", split_path("/user/all"));
  REQUIRE(all.kind == MatchKind::kFound);
  CHECK(*all.handler == 1);

  auto one = r.find("GET", split_path("/user/42"));
  REQUIRE(one.kind == MatchKind::kFound);
  CHECK(*one.handler == 2);
  CHECK(one.params.get("uid") == "42");
}

TEST_CASE("router: a method match elsewhere wins over a path-only match") {
  auto r = rental_routes();
  auto del = r.find("DELETE", split_path("/user/all"));
  REQUIRE(del.kind == MatchKind::kFound);
  CHECK(*del.handler == 4);
  CHECK(del.params.get("uid") == "all");
}

TEST_CASE("router: 404 and 405") {
  auto r = rental_routes();
  CHECK(r.find("GET", split_path("/nope")).kind == MatchKind::kNotFound);
  CHECK(r.find("GET", split_path("/user/1/extra")).kind == MatchKind::kNotFound);
  CHECK(r.find("GET", split_path("/user/")).kind == MatchKind::kNotFound);  // empty param

  auto put = r.find("PUT", split_path("/user/7"));
  REQUIRE(put.kind == MatchKind::kMethodNotAllowed);
  CHECK(put.allowed == std::vector<std::string>{"GET", "PATCH", "DELETE"});

  auto get_token = r.find("GET", split_path("/auth/token"));
  REQUIRE(get_token.kind == MatchKind::kMethodNotAllowed);
  CHECK(get_token.allowed == std::vector<std::string>{"POST"});
}

TEST_CASE("router: parameters are percent-decoded per segment") {
  Router<int> r;
  r.add("GET", "/pisync/devices/{id}", 1);
  auto m = r.find("GET", split_path("/pisync/devices/a%2Fb%20c"));
  REQUIRE(m.kind == MatchKind::kFound);
  CHECK(m.params.get("id") == "a/b c");
  CHECK_FALSE(m.params.get("other").has_value());
}

TEST_CASE("router: trailing slash is a distinct route") {
  Router<int> r;
  r.add("GET", "/api/v1/users/", 1);
  CHECK(r.find("GET", split_path("/api/v1/users/")).kind == MatchKind::kFound);
  CHECK(r.find("GET", split_path("/api/v1/users")).kind == MatchKind::kNotFound);
  r.add("GET", "/api/v1/users", 1);
  CHECK(r.find("GET", split_path("/api/v1/users")).kind == MatchKind::kFound);
}

TEST_CASE("router: patterns must start with a slash") {
  CHECK_THROWS_AS(Pattern("user"), std::invalid_argument);
}

TEST_CASE("surface is chosen by whole-segment prefix") {
  CHECK(surface_for_path("/api/v1/users/") == Surface::kUsersV1);
  CHECK(surface_for_path("/api/v1") == Surface::kUsersV1);
  CHECK(surface_for_path("/api/v10") == Surface::kStreetlight);
  CHECK(surface_for_path("/api/auth/login") == Surface::kStreetlight);
  CHECK(surface_for_path("/api") == Surface::kStreetlight);
  CHECK(surface_for_path("/apix") == Surface::kRental);
  CHECK(surface_for_path("/v1/auth/login") == Surface::kRepair);
  CHECK(surface_for_path("/v1x") == Surface::kRental);
  CHECK(surface_for_path("/pisync/auth/login") == Surface::kPisync);
  CHECK(surface_for_path("/user/all") == Surface::kRental);
  CHECK(surface_for_path("/") == Surface::kRental);
}
