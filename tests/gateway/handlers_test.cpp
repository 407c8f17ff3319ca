// The surfaces' endpoints through the dispatcher, against the in-memory fake services.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "dispatch_harness.h"

using namespace fleet::gateway;
using testing::FakeBackend;
namespace json = boost::json;
namespace userpb = upstream::userpb;

namespace {

using testing::Harness;

json::value body_of(const http::Response& r) { return json::parse(r.body); }

}  // namespace

TEST_CASE("rental: sign-in with form fields") {
  Harness h;
  auto ok = h.call("POST", "/auth/token", "username=alice&password=alice-pw",
                   {{"Content-Type", "application/x-www-form-urlencoded"}});
  REQUIRE(ok.status == 200);
  auto body = body_of(ok);
  CHECK(body.at("token_type") == "bearer");
  CHECK(body.at("user_id") == h.alice.id());
  CHECK_FALSE(body.at("access_token").as_string().empty());

  auto multipart = h.call(
      "POST", "/auth/token",
      "--b\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice\r\n"
      "--b\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nalice-pw\r\n--b--\r\n",
      {{"Content-Type", "multipart/form-data; boundary=b"}});
  CHECK(multipart.status == 200);

  auto bad = h.call("POST", "/auth/token", "username=alice&password=nope",
                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(bad.status == 401);
  CHECK(bad.body == R"({"detail":"Incorrect username or password"})");
  CHECK(bad.header("WWW-Authenticate") == "Bearer");

  auto missing = h.call("POST", "/auth/token", "password=x",
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  CHECK(missing.status == 422);
  CHECK(missing.body ==
        R"({"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required"}]})");
}

TEST_CASE("rental: accounts, self or admin") {
  Harness h;
  auto self = h.as(h.alice, "GET", "/user/" + std::to_string(h.alice.id()));
  REQUIRE(self.status == 200);
  CHECK(body_of(self).at("name") == "alice");
  CHECK(body_of(self).at("is_admin") == false);

  CHECK(h.as(h.alice, "GET", "/user/" + std::to_string(h.bob.id())).body ==
        R"({"detail":"Not enough permissions"})");
  CHECK(h.as(h.admin, "GET", "/user/" + std::to_string(h.bob.id())).status == 200);
  CHECK(h.as(h.admin, "GET", "/user/999").body == R"({"detail":"User not found"})");
  CHECK(h.as(h.alice, "GET", "/user/999").status == 403);

  auto not_int = h.as(h.alice, "GET", "/user/abc");
  CHECK(not_int.status == 422);
  CHECK(body_of(not_int).at("detail").at(0).at("loc") == json::array{"path", "uid"});

  auto no_token = h.call("GET", "/user/1");
  CHECK(no_token.status == 401);
  CHECK(no_token.body == R"({"detail":"Not authenticated"})");
  auto bad_token = h.call("GET", "/user/1", {}, {{"Authorization", "Bearer nope"}});
  CHECK(bad_token.body == R"({"detail":"Could not validate credentials"})");

  CHECK(h.as(h.alice, "GET", "/user/all").status == 403);
  auto all = h.as(h.admin, "GET", "/user/all");
  REQUIRE(all.status == 200);
  CHECK(body_of(all).as_array().size() == 4);
}

TEST_CASE("rental: create, patch, delete") {
  Harness h;
  CHECK(h.as(h.alice, "POST", "/user", R"({"name":"carol","password":"pw"})").status == 403);
  auto created =
      h.as(h.admin, "POST", "/user", R"({"name":"carol","password":"pw","is_admin":true})");
  REQUIRE(created.status == 200);
  CHECK(body_of(created).at("is_admin") == true);
  CHECK(h.as(h.admin, "POST", "/user", R"({"name":"carol","password":"pw"})").body ==
        R"({"detail":"Username already exists"})");

  auto uid = std::to_string(h.alice.id());
  CHECK(h.as(h.alice, "PATCH", "/user/" + uid, R"({"cash":5})").status == 403);
  CHECK(h.as(h.alice, "PATCH", "/user/" + uid, R"({"cash":-1})").status == 422);
  auto renamed = h.as(h.alice, "PATCH", "/user/" + uid, R"({"name":"alicia"})");
  REQUIRE(renamed.status == 200);
  CHECK(body_of(renamed).at("name") == "alicia");
  CHECK(h.as(h.admin, "PATCH", "/user/" + uid, R"({"cash":5})").status == 200);

  CHECK(h.as(h.alice, "DELETE", "/user/" + std::to_string(h.bob.id())).status == 403);
  auto deleted = h.as(h.alice, "DELETE", "/user/" + uid);
  CHECK(deleted.body == R"({"message":"User deleted successfully"})");
  CHECK_FALSE(h.backend.passwords.count(h.alice.id()));
  CHECK(h.backend.calls.back() == "auth.DeleteCredentials");
  // The token outlives its account: 401 where it acts.
  auto gone = h.as(h.alice, "GET", "/user/" + uid);
  CHECK(gone.status == 401);
  CHECK(gone.body == R"({"detail":"Could not validate credentials"})");
}

TEST_CASE("validation happens before any backend call") {
  Harness h;
  h.backend.calls.clear();
  CHECK(h.call("POST", "/v1/auth/register", R"({"phone":"1"})").status == 422);
  CHECK(h.call("POST", "/pisync/auth/login", R"({"username":"a"})").status == 400);
  CHECK(h.call("POST", "/api/auth/register", R"({"name":"a"})").status == 400);
  CHECK(h.as(h.admin, "GET", "/api/v1/users/?limit=5000").status == 422);
  CHECK(h.as(h.admin, "PATCH", "/user/1", R"({"cash":"x"})").status == 422);
  CHECK(h.backend.calls.empty());
}

TEST_CASE("users-v1: register, login (JSON or form), list, update with password") {
  Harness h;
  auto reg =
      h.call("POST", "/api/v1/auth/register",
             R"({"email":"d@example.com","username":"dave","password":"pw1","full_name":"Dave"})");
  REQUIRE(reg.status == 200);
  CHECK(body_of(reg).at("token_type") == "bearer");
  CHECK(h.call("POST", "/api/v1/auth/register",
               R"({"email":"x@example.com","username":"dave","password":"p"})")
            .body == R"({"detail":"Username already exists"})");
  auto bad_email =
      h.call("POST", "/api/v1/auth/register", R"({"email":"nope","username":"e","password":"p"})");
  CHECK(bad_email.status == 422);
  CHECK(body_of(bad_email).at("detail").at(0).at("type") == "value_error");

  CHECK(h.call("POST", "/api/v1/auth/login", R"({"username":"dave","password":"pw1"})").status ==
        200);
  CHECK(h.call("POST", "/api/v1/auth/login", "username=dave&password=pw1",
               {{"Content-Type", "application/x-www-form-urlencoded"}})
            .status == 200);
  CHECK(h.call("POST", "/api/v1/auth/login", R"({"username":"dave","password":"x"})").body ==
        R"({"detail":"Incorrect username or password"})");

  CHECK(h.as(h.alice, "GET", "/api/v1/users/").status == 403);
  auto page = h.as(h.admin, "GET", "/api/v1/users?skip=1&limit=2");
  REQUIRE(page.status == 200);
  CHECK(body_of(page).as_array().size() == 2);
  CHECK(body_of(page).at(0).at("id") == h.op.id());
  CHECK(h.as(h.admin, "GET", "/api/v1/users/").status == 200);

  auto id = std::to_string(h.alice.id());
  CHECK(h.as(h.bob, "PUT", "/api/v1/users/" + id, R"({"full_name":"X"})").status == 403);
  auto put =
      h.as(h.alice, "PUT", "/api/v1/users/" + id, R"({"full_name":"Alice A","password":"new-pw"})");
  REQUIRE(put.status == 200);
  CHECK(body_of(put).at("full_name") == "Alice A");
  CHECK(h.backend.passwords[h.alice.id()] == "new-pw");
  CHECK(h.backend.calls.back() == "auth.SetPassword");
  CHECK(h.as(h.alice, "DELETE", "/api/v1/users/" + id).body ==
        R"({"message":"User deleted successfully"})");
}

TEST_CASE("repair: register, login, refresh, logout") {
  Harness h;
  auto reg = h.call(
      "POST", "/v1/auth/register",
      R"({"full_name":"Eve","phone":"5555555555","email":"eve@example.com","password":"pw"})");
  REQUIRE(reg.status == 201);
  CHECK(body_of(reg).at("is_staff") == false);
  CHECK(
      h.call("POST", "/v1/auth/register",
             R"({"full_name":"E2","phone":"5555555555","email":"e2@example.com","password":"pw"})")
          .body == R"({"detail":"Phone already registered"})");

  auto login = h.call("POST", "/v1/auth/login", R"({"phone":"5555555555","password":"pw"})");
  REQUIRE(login.status == 200);
  auto refresh_token = std::string(body_of(login).at("tokens").at("refresh_token").as_string());
  CHECK(body_of(login).at("user").at("full_name") == "Eve");
  CHECK(h.call("POST", "/v1/auth/login", R"({"phone":"5555555555","password":"x"})").body ==
        R"({"detail":"Invalid credentials"})");

  auto refreshed =
      h.call("POST", "/v1/auth/refresh", R"({"refresh_token":")" + refresh_token + "\"}");
  REQUIRE(refreshed.status == 200);
  CHECK_FALSE(body_of(refreshed).as_object().contains("refresh_token"));
  CHECK(h.call("POST", "/v1/auth/logout", R"({"refresh_token":")" + refresh_token + "\"}").body ==
        R"({"message":"Logged out successfully"})");
  CHECK(h.call("POST", "/v1/auth/refresh", R"({"refresh_token":")" + refresh_token + "\"}").body ==
        R"({"detail":"Invalid or expired refresh token"})");
  CHECK(h.call("POST", "/v1/auth/logout", R"({"refresh_token":")" + refresh_token + "\"}").status ==
        401);
}

TEST_CASE("repair: who may do what") {
  Harness h;
  auto own = h.as(h.alice, "GET", "/v1/users");
  REQUIRE(own.status == 200);
  REQUIRE(body_of(own).as_array().size() == 1);
  CHECK(body_of(own).at(0).at("id") == h.alice.id());
  CHECK(body_of(h.as(h.op, "GET", "/v1/users?limit=3")).as_array().size() == 3);
  CHECK(h.as(h.op, "GET", "/v1/users?limit=0").status == 422);

  auto bob = std::to_string(h.bob.id());
  auto admin = std::to_string(h.admin.id());
  CHECK(h.as(h.alice, "GET", "/v1/users/" + bob).status == 403);
  CHECK(h.as(h.op, "GET", "/v1/users/" + bob).status == 200);
  CHECK(h.as(h.op, "GET", "/v1/users/999").status == 404);

  CHECK(h.as(h.alice, "PATCH", "/v1/users/" + bob, R"({"full_name":"B"})").status == 403);
  CHECK(h.as(h.op, "PATCH", "/v1/users/" + bob, R"({"is_staff":true})").status == 403);
  CHECK(h.as(h.op, "PATCH", "/v1/users/" + admin, R"({"full_name":"A"})").status == 403);
  auto pic = h.as(h.op, "PATCH", "/v1/users/" + bob,
                  R"({"profile_picture":"https://x.io/b.png","full_name":"Bob B"})");
  REQUIRE(pic.status == 200);
  CHECK(body_of(pic).at("profile_picture") == "https://x.io/b.png");
  CHECK(body_of(h.as(h.op, "PATCH", "/v1/users/" + bob, R"({"profile_picture":null})"))
            .at("profile_picture")
            .is_null());
  auto promoted = h.as(h.admin, "PATCH", "/v1/users/" + bob, R"({"is_staff":true})");
  CHECK(body_of(promoted).at("is_staff") == true);
  CHECK(h.backend.accounts[h.bob.id()].role() == userpb::ROLE_OPERATOR);

  CHECK(h.as(h.op, "POST", "/v1/users",
             R"({"full_name":"F","phone":"6","email":"f@x.io","password":"p"})")
            .status == 403);
  auto made =
      h.as(h.admin, "POST", "/v1/users",
           R"({"full_name":"F","phone":"6","email":"f@x.io","password":"p","is_staff":true})");
  CHECK(made.status == 201);
  CHECK(body_of(made).at("is_staff") == true);

  CHECK(h.as(h.alice, "DELETE", "/v1/users/" + bob).status == 403);
  CHECK(h.as(h.op, "DELETE", "/v1/users/" + admin).status == 403);
  auto gone = h.as(h.op, "DELETE", "/v1/users/" + std::to_string(h.alice.id()));
  CHECK(gone.status == 204);
  CHECK(gone.body.empty());
}

TEST_CASE("streetlight: register and login") {
  Harness h;
  auto viewer =
      h.call("POST", "/api/auth/register",
             R"({"name":"Sam","email":"sam@example.com","password":"pw","city":"Delhi"})");
  REQUIRE(viewer.status == 201);
  auto body = body_of(viewer);
  CHECK(body.at("status") == 201);
  CHECK(body.at("message") == "User registered successfully");
  CHECK(body.at("data").at("user").at("role") == "viewer");
  CHECK(body.at("data").at("user").at("id").is_string());

  CHECK(h.call("POST", "/api/auth/register",
               R"({"name":"Sam","email":"sam@example.com","password":"pw","city":"D"})")
            .body == R"({"status":400,"message":"User already exists","data":null})");
  CHECK(h.call("POST", "/api/auth/register",
               R"({"name":"S","email":"bad","password":"pw","city":"D"})")
            .body == R"({"status":400,"message":"Invalid email","data":null})");
  CHECK(h.call("POST", "/api/auth/register",
               R"({"name":"S","email":"s2@x.io","password":"pw","city":"D","role":"king"})")
            .body == R"({"status":400,"message":"Invalid role","data":null})");

  const std::string op_body =
      R"({"name":"O","email":"o2@x.io","password":"pw","city":"D","role":"operator"})";
  CHECK(h.call("POST", "/api/auth/register", op_body).status == 403);
  CHECK(h.as(h.op, "POST", "/api/auth/register", op_body).status == 403);
  CHECK(h.call("POST", "/api/auth/register", op_body, {{"Authorization", "Bearer junk"}}).body ==
        R"({"status":401,"message":"Invalid or missing token","data":null})");
  auto made = h.as(h.admin, "POST", "/api/auth/register", op_body);
  REQUIRE(made.status == 201);
  CHECK(body_of(made).at("data").at("user").at("role") == "operator");

  auto login = h.call("POST", "/api/auth/login", R"({"email":"sam@example.com","password":"pw"})");
  CHECK(login.status == 200);
  CHECK(body_of(login).at("message") == "Login successful");
  CHECK(h.call("POST", "/api/auth/login", R"({"email":"sam@example.com","password":"x"})").body ==
        R"({"status":401,"message":"Invalid credentials","data":null})");
  CHECK(h.call("POST", "/api/auth/login", R"({"email":"sam@example.com"})").body ==
        R"({"status":400,"message":"Missing credentials","data":null})");
}

TEST_CASE("pisync: register and login") {
  Harness h;
  auto reg = h.call("POST", "/pisync/auth/register", R"({"username":"pi","password":"pw"})");
  REQUIRE(reg.status == 201);
  CHECK(body_of(reg).at("message") == "User registered successfully.");
  CHECK(h.call("POST", "/pisync/auth/register", R"({"username":"pi","password":"pw"})").body ==
        R"({"message":"Username already exists"})");
  CHECK(h.call("POST", "/pisync/auth/register", R"({"username":"pi"})").body ==
        R"({"message":"Username and password are required"})");
  auto login = h.call("POST", "/pisync/auth/login", R"({"username":"pi","password":"pw"})");
  CHECK(login.status == 200);
  CHECK(body_of(login).at("message") == "Login successful.");
  CHECK(h.call("POST", "/pisync/auth/login", R"({"username":"pi","password":"x"})").body ==
        R"({"message":"Invalid username or password."})");
}

TEST_CASE("upstream failures: 5xx carry only the generic text") {
  Harness h;
  h.backend.forced = grpc::Status(grpc::StatusCode::UNAVAILABLE, "mariadb at 10.0.0.5 refused");
  auto unavailable = h.call("POST", "/pisync/auth/login", R"({"username":"pi","password":"pw"})");
  CHECK(unavailable.status == 503);
  CHECK(unavailable.body == R"({"message":"Service unavailable"})");

  h.backend.forced = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow");
  CHECK(h.call("POST", "/v1/auth/login", R"({"phone":"1","password":"p"})").body ==
        R"({"detail":"Upstream timeout"})");
  h.backend.forced = grpc::Status(grpc::StatusCode::INTERNAL, "stack trace");
  CHECK(h.call("POST", "/api/auth/login", R"({"email":"a@b.io","password":"p"})").body ==
        R"({"status":500,"message":"Internal server error","data":null})");
  // 4xx pass their client-safe text through.
  h.backend.forced = grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "Phone is not valid");
  CHECK(h.call("POST", "/v1/auth/login", R"({"phone":"1","password":"p"})").body ==
        R"({"detail":"Phone is not valid"})");
}

TEST_CASE("routing: 404 and 405 per surface, ops endpoints") {
  Harness h;
  CHECK(h.call("GET", "/nope").body == R"({"detail":"Not Found"})");
  CHECK(h.call("GET", "/api/nope").body ==
        R"({"status":404,"message":"Route not found","data":null})");
  CHECK(h.call("GET", "/pisync/nope").body == R"({"message":"Route not found"})");
  auto wrong = h.call("GET", "/v1/auth/login");
  CHECK(wrong.status == 405);
  CHECK(wrong.body == R"({"detail":"Method Not Allowed"})");
  CHECK(wrong.header("Allow") == "POST");
  CHECK(h.call("GET", "/pisync/auth/login").body == R"({"message":"Method not allowed"})");

  CHECK(h.call("GET", "/healthz").body == R"({"status":"ok"})");
  CHECK(h.call("GET", "/readyz").body == R"({"status":"ready"})");
  h.backend.serving = false;
  auto not_ready = h.call("GET", "/readyz");
  CHECK(not_ready.status == 503);
  CHECK(not_ready.body == R"({"status":"not ready"})");
  h.backend.serving = true;
  h.backend.device_session_serving = false;
  CHECK(h.call("GET", "/readyz").status == 503);
}

TEST_CASE("readiness needs the token key; tokens are refused until it is loaded") {
  fleet::SystemClock clock;
  FakeBackend backend{clock};
  upstream::Upstream upstream{backend, &backend};
  auth::KeyStore keys{"fleetgate", clock};
  app::Metrics metrics;
  boost::asio::io_context hub_ioc;
  realtime::DeviceHub devices{hub_ioc, upstream, clock, metrics};
  realtime::ChatHub chat{clock};
  app::Gateway gateway{app::Services{upstream, keys, metrics, devices, chat}};
  auto admin = backend.add(userpb::ROLE_ADMIN, "admin", "pw");
  auto run = [&](std::string target, std::vector<http::Header> headers) {
    http::Request request;
    request.method = "GET";
    request.target = target;
    http::split_target(request.target, request.path, request.query);
    request.headers = std::move(headers);
    boost::asio::io_context ioc;
    auto future =
        boost::asio::co_spawn(ioc, gateway.handle(std::move(request)), boost::asio::use_future);
    ioc.run();
    return future.get();
  };
  CHECK(run("/readyz", {}).status == 503);
  CHECK(run("/user/all", {{"Authorization", "Bearer " + backend.token_for(admin)}}).status == 503);

  boost::asio::io_context ioc;
  auto fetched =
      boost::asio::co_spawn(ioc, auth::fetch_public_key(upstream, keys), boost::asio::use_future);
  ioc.run();
  fetched.get();
  CHECK(keys.loaded());
  CHECK(run("/readyz", {}).status == 200);
  CHECK(run("/user/all", {{"Authorization", "Bearer " + backend.token_for(admin)}}).status == 200);
}
