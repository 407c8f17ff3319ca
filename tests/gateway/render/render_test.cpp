#include <catch2/catch.hpp>

#include "http/json.h"
#include "render/accounts.h"
#include "render/devices.h"
#include "render/errors.h"
#include "render/time.h"

using namespace fleet::gateway;
using namespace fleet::gateway::render;
namespace userpb = ::fleetgate::user::v1;

namespace {
constexpr std::int64_t k20250110T100000 = 1736503200;

userpb::Account sample(userpb::Role role) {
  userpb::Account a;
  a.set_id(7);
  a.set_username("ann");
  a.set_email("ann@example.com");
  a.set_phone("1234567890");
  a.set_full_name("Ann Lee");
  a.set_city("Delhi");
  a.set_role(role);
  a.set_is_active(true);
  a.mutable_created_at()->set_seconds(k20250110T100000);
  a.mutable_created_at()->set_nanos(123456789);
  a.mutable_updated_at()->set_seconds(k20250110T100000 + 61);
  return a;
}

std::string text(const boost::json::object& o) { return http::dump(o); }
}  // namespace

TEST_CASE("time formats per surface") {
  CHECK(format_time(k20250110T100000, 0, time_style(Surface::kRental)) == "2025-01-10T10:00:00Z");
  CHECK(format_time(k20250110T100000, 0, time_style(Surface::kUsersV1)) == "2025-01-10T10:00:00Z");
  CHECK(format_time(k20250110T100000, 0, time_style(Surface::kStreetlight)) ==
        "2025-01-10T10:00:00Z");
  CHECK(format_time(k20250110T100000, 999999999, time_style(Surface::kRepair)) ==
        "2025-01-10T10:00:00");
  CHECK(format_time(k20250110T100000, 0, time_style(Surface::kPisync)) ==
        "2025-01-10T10:00:00.000Z");
  CHECK(format_time(k20250110T100000, 45'600'000, TimeStyle::kMillisZ) ==
        "2025-01-10T10:00:00.045Z");
  CHECK(format_time(0, 0, TimeStyle::kSecondsZ) == "1970-01-01T00:00:00Z");
}

TEST_CASE("rental UserResponse carries the wallet's exact cash") {
  CHECK(
      rental_user_json(sample(userpb::ROLE_USER), "8.50") ==
      R"({"uid":7,"name":"ann","cash":8.50,"creation_time":"2025-01-10T10:00:00Z","is_admin":false})");
  CHECK(rental_user_json(sample(userpb::ROLE_ADMIN), "0.00").find(R"("is_admin":true)") !=
        std::string::npos);
  CHECK(rental_user_json(sample(userpb::ROLE_OPERATOR), "0.00").find(R"("is_admin":false)") !=
        std::string::npos);
  auto no_name = sample(userpb::ROLE_USER);
  no_name.clear_username();
  CHECK(rental_user_json(no_name, "0.00").find(R"("name":null)") != std::string::npos);
  CHECK_THROWS_AS(rental_user_json(no_name, "8.5E0"), std::invalid_argument);
}

TEST_CASE("users-v1 User") {
  CHECK(
      text(users_v1_user(sample(userpb::ROLE_ADMIN))) ==
      R"({"id":7,"email":"ann@example.com","username":"ann","full_name":"Ann Lee","is_active":true,)"
      R"("is_superuser":true,"created_at":"2025-01-10T10:00:00Z","updated_at":"2025-01-10T10:01:01Z"})");
  auto bare = sample(userpb::ROLE_USER);
  bare.clear_email();
  bare.clear_full_name();
  auto o = users_v1_user(bare);
  CHECK(o.at("email").is_null());
  CHECK(o.at("full_name").is_null());
  CHECK_FALSE(o.at("is_superuser").as_bool());
}

TEST_CASE("repair User: is_staff for operator and admin") {
  CHECK(
      text(repair_user(sample(userpb::ROLE_USER))) ==
      R"({"id":7,"full_name":"Ann Lee","phone":"1234567890","email":"ann@example.com",)"
      R"("profile_picture":null,"is_active":true,"is_staff":false,"created_at":"2025-01-10T10:00:00"})");
  CHECK(repair_user(sample(userpb::ROLE_OPERATOR)).at("is_staff").as_bool());
  CHECK(repair_user(sample(userpb::ROLE_ADMIN)).at("is_staff").as_bool());
  auto pic = sample(userpb::ROLE_USER);
  pic.set_profile_picture("https://example.com/a.jpg");
  CHECK(repair_user(pic).at("profile_picture").as_string() == "https://example.com/a.jpg");
}

TEST_CASE("streetlight user: string id, viewer for user") {
  CHECK(text(streetlight_user(sample(userpb::ROLE_USER))) ==
        R"({"id":"7","name":"Ann Lee","email":"ann@example.com","role":"viewer","city":"Delhi"})");
  CHECK(streetlight_user(sample(userpb::ROLE_OPERATOR)).at("role").as_string() == "operator");
  CHECK(streetlight_user(sample(userpb::ROLE_ADMIN)).at("role").as_string() == "admin");
}

TEST_CASE("error bodies per surface") {
  auto rental = error_response(Surface::kRental, 404, "Not Found");
  CHECK(rental.status == 404);
  CHECK(rental.body == R"({"detail":"Not Found"})");
  CHECK(rental.header("Content-Type") == "application/json");
  CHECK(rental.header("WWW-Authenticate").empty());

  auto unauth = error_response(Surface::kRepair, 401, "Not authenticated");
  CHECK(unauth.header("WWW-Authenticate") == "Bearer");

  CHECK(error_response(Surface::kStreetlight, 401, "Invalid or missing token").body ==
        R"({"status":401,"message":"Invalid or missing token","data":null})");
  CHECK(error_response(Surface::kStreetlight, 401, "x").header("WWW-Authenticate").empty());
  CHECK(error_response(Surface::kPisync, 413, "Request body too large").body ==
        R"({"message":"Request body too large"})");

  // A refusal under load tells the client when to try again, on every surface.
  for (auto surface : {Surface::kRental, Surface::kUsersV1, Surface::kRepair, Surface::kStreetlight,
                       Surface::kPisync}) {
    CHECK(error_response(surface, 429, "Too many requests").header("Retry-After") == "1");
  }
  CHECK(rental.header("Retry-After").empty());
  CHECK(error_response(Surface::kPisync, 503, "Service unavailable").header("Retry-After").empty());

  CHECK(generic_text(500) == "Internal server error");
  CHECK(generic_text(503) == "Service unavailable");
  CHECK(generic_text(504) == "Upstream timeout");
}
