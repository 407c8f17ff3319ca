// X-Idempotency-Key on the POSTs that reach auth.Register: forwarded as metadata with the
// request's fingerprint and caller, and the service's verdict mapped in the surface's shape.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "dispatch_harness.h"
#include "http/idempotency.h"

using namespace fleet::gateway;
namespace json = boost::json;
using testing::Harness;

TEST_CASE("users-v1 register: X-Idempotency-Key is forwarded and the verdict mapped") {
  Harness h;
  const std::string body = R"({"email":"k@example.com","username":"kay","password":"pw"})";
  const std::vector<http::Header> key{{"X-Idempotency-Key", "reg-1"}};
  auto first = h.call("POST", "/api/v1/auth/register", body, key);
  REQUIRE(first.status == 200);
  CHECK(first.header("Idempotent-Replayed").empty());
  const auto& sent = h.backend.idempotency_sent.back();
  CHECK(sent.key == "reg-1");
  CHECK(sent.caller == "anonymous");
  CHECK(sent.fingerprint == http::request_fingerprint("POST", "/api/v1/auth/register", body));

  const auto accounts = h.backend.accounts.size();
  auto again = h.call("POST", "/api/v1/auth/register", body, key);
  CHECK(again.status == 200);
  CHECK(again.body == first.body);  // the stored access token, not a new one
  CHECK(again.header("Idempotent-Replayed") == "true");
  CHECK(h.backend.accounts.size() == accounts);

  auto different = h.call("POST", "/api/v1/auth/register",
                          R"({"email":"z@example.com","username":"zed","password":"pw"})", key);
  CHECK(different.status == 422);
  CHECK(different.body == R"({"detail":"Idempotency key was used with a different request"})");

  h.backend.next_in_flight = true;
  auto racing = h.call("POST", "/api/v1/auth/register", body, key);
  CHECK(racing.status == 409);
  CHECK(racing.body == R"({"detail":"A request with this idempotency key is in progress"})");

  // Without a key nothing is sent; a malformed one is 422 before any call.
  CHECK(h.call("POST", "/api/v1/auth/register",
               R"({"email":"n@example.com","username":"nokey","password":"pw"})")
            .status == 200);
  CHECK(h.backend.idempotency_sent.back().key.empty());
  h.backend.calls.clear();
  auto bad = h.call("POST", "/api/v1/auth/register", body, {{"X-Idempotency-Key", "two words"}});
  CHECK(bad.status == 422);
  CHECK(json::parse(bad.body).at("detail").at(0).at("loc") ==
        json::array{"header", "x-idempotency-key"});
  CHECK(h.backend.calls.empty());
}

TEST_CASE("rental POST /user: the admin is the caller of the key") {
  Harness h;
  const std::string body = R"({"name":"newbie","password":"pw"})";
  const std::vector<http::Header> key{{"X-Idempotency-Key", "user-1"}};
  auto first = h.as(h.admin, "POST", "/user", body, key);
  REQUIRE(first.status == 200);
  CHECK(h.backend.idempotency_sent.back().caller == std::to_string(h.admin.id()));
  auto again = h.as(h.admin, "POST", "/user", body, key);
  CHECK(again.status == 200);
  CHECK(again.body == first.body);
  CHECK(again.header("Idempotent-Replayed") == "true");
}

TEST_CASE("pisync register: replay, 422 for a mismatch and 400 for a bad key, in pisync's body") {
  Harness h;
  const std::string body = R"({"username":"pi","password":"pw"})";
  const std::vector<http::Header> key{{"X-Idempotency-Key", "pi-1"}};
  auto first = h.call("POST", "/pisync/auth/register", body, key);
  REQUIRE(first.status == 201);
  CHECK(h.backend.idempotency_sent.back().caller == "anonymous");
  auto again = h.call("POST", "/pisync/auth/register", body, key);
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  CHECK(again.header("Idempotent-Replayed") == "true");

  auto different = h.call("POST", "/pisync/auth/register", R"({"username":"pi2","password":"pw"})",
                          key);
  CHECK(different.status == 422);  // PLATFORM.md: 422 on every surface
  CHECK(different.body == R"({"message":"Idempotency key was used with a different request"})");

  h.backend.next_in_flight = true;
  auto racing = h.call("POST", "/pisync/auth/register", body, key);
  CHECK(racing.status == 409);
  CHECK(racing.body == R"({"message":"A request with this idempotency key is in progress"})");

  h.backend.calls.clear();
  auto bad = h.call("POST", "/pisync/auth/register", body,
                    {{"X-Idempotency-Key", std::string(256, 'k')}});
  CHECK(bad.status == 400);
  CHECK(bad.body == R"({"message":"Invalid idempotency key"})");
  CHECK(h.backend.calls.empty());
}
