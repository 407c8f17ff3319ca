// The pipeline (endpoint/pipeline.cpp) with a table of its own: access policies, the principal
// check, validation in FastAPI's order (422) or as one 400 text, error rules, and the
// idempotency verdicts, independent of any surface's rows.
#include "endpoint/pipeline.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "http/idempotency.h"
#include "http/url.h"
#include "render/errors.h"
#include "router/router.h"
#include "support/gateway_harness.h"
#include "support/replies.h"
#include "support/run.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;
namespace json = boost::json;

namespace {

using endpoint::Call;
using endpoint::Endpoint;
using endpoint::ErrorRule;
using upstream::UserRpc;
using Awaitable = boost::asio::awaitable<http::Response>;
using validation::Field;
using validation::Type;

// What the row saw: the principal and the validated values.
Awaitable echo(Call& call) {
  json::object out;
  if (call.principal) out["principal"] = call.me().id();
  if (auto id = call.path.integer("id")) out["id"] = *id;
  if (auto q = call.query.integer("q")) out["q"] = *q;
  if (auto name = call.body.string("name")) out["name"] = *name;
  if (call.idempotency_key) out["key"] = *call.idempotency_key;
  co_return call.json(out);
}

userpb::UpdateUserRequest update_of(const Call& call) {
  userpb::UpdateUserRequest request;
  request.set_id(call.path_int("id"));
  return request;
}

// One plain call; its failure goes through the row's rules.
Awaitable lookup(Call& call) {
  auto reply = co_await call.rpc(&UserRpc::UpdateUser, update_of(call));
  co_return call.json(json::object{{"username", reply.account().username()}});
}

// The same call as the row's effect (X-Idempotency-Key).
Awaitable effect(Call& call) {
  auto reply = co_await call.effect(&UserRpc::UpdateUser, update_of(call));
  co_return call.json(json::object{{"username", reply.account().username()}});
}

std::string problem(const validation::Issues& issues) {
  return "Bad " + std::string(issues.front().loc.at(0).as_string());
}

constexpr Field kId[] = {{.name = "id", .type = Type::kInt, .required = true}};
constexpr Field kQ[] = {{.name = "q", .type = Type::kInt, .ge = 0.0}};
constexpr Field kName[] = {{.name = "name", .required = true}};
constexpr ErrorRule kRules[] = {
    {grpc::StatusCode::NOT_FOUND, 404, "Thing not found"},
    {grpc::StatusCode::FAILED_PRECONDITION, 409, endpoint::kUpstreamText, "Busy"},
    {grpc::StatusCode::FAILED_PRECONDITION, 400, "Other precondition"},
    {grpc::StatusCode::PERMISSION_DENIED, 403, endpoint::kForbiddenText},
    {grpc::StatusCode::UNAUTHENTICATED, 401, endpoint::kInvalidTokenText}};

constexpr auto R = Surface::kRental;
constexpr Endpoint kRows[] = {
    {.method = "GET", .path = "/t/public", .surface = R, .summary = "s", .run = echo},
    {.method = "GET", .path = "/t/token", .surface = R, .summary = "s",
     .access = endpoint::kAnyToken, .run = echo},
    {.method = "GET", .path = "/t/operator", .surface = R, .summary = "s",
     .access = endpoint::at_least(userpb::ROLE_OPERATOR), .run = echo},
    {.method = "GET", .path = "/t/self/{id}", .surface = R, .summary = "s",
     .access = endpoint::self_or("id", userpb::ROLE_ADMIN), .path_params = kId, .run = echo},
    {.method = "POST", .path = "/t/items/{id}", .surface = R, .summary = "s",
     .access = endpoint::kAnyToken, .path_params = kId, .query = kQ,
     .body_kind = endpoint::Body::kJson, .body = kName, .success = 201, .idempotent = true,
     .run = echo},
    {.method = "GET", .path = "/t/rules/{id}", .surface = R, .summary = "s", .path_params = kId,
     .errors = kRules, .run = lookup},
    {.method = "GET", .path = "/api/t/rules/{id}", .surface = Surface::kStreetlight,
     .summary = "s", .path_params = kId, .errors = kRules, .run = lookup},
    {.method = "POST", .path = "/t/effect/{id}", .surface = R, .summary = "s",
     .path_params = kId, .idempotent = true, .run = effect},
    {.method = "POST", .path = "/pisync/t/items/{id}", .surface = Surface::kPisync,
     .summary = "s", .path_params = kId, .query = kQ, .body_kind = endpoint::Body::kJson,
     .body = kName, .success = 201, .idempotent = true, .problem = problem, .run = echo},
};

// The test table behind the harness's services, answered as the dispatcher would: a thrown
// ApiError or ValidationError rendered in the surface's body.
struct Pipeline : Harness {
  app::Services services_ = services();
  router::Router<const Endpoint*> rows;

  Pipeline() {
    for (const auto& row : kRows) rows.add(std::string(row.method), row.path, &row);
  }

  http::Response send(std::string method, std::string target, std::string body = {},
                      Headers headers = {}) {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    http::split_target(request.target, request.path, request.query);
    request.headers = std::move(headers);
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
    request.request_id = "rid-1";
    auto match = rows.find(request.method, http::split_path(request.path));
    REQUIRE(match.kind == router::MatchKind::kFound);
    const Surface surface = surface_for_path(request.path);
    app::Context ctx{request, std::move(match.params), http::parse_urlencoded(request.query),
                     surface, services_};
    try {
      return run_to_end(endpoint::run(**match.handler, ctx));
    } catch (const render::ApiError& e) {
      return render::error_response(surface, e.status(), e.what());
    } catch (const render::ValidationError& e) {
      return render::validation_response(e.issues());
    }
  }
  http::Response send_as(const Account& who, std::string method, std::string target,
                         std::string body = {}, Headers headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + token_for(who));
    return send(std::move(method), std::move(target), std::move(body), std::move(headers));
  }
};

}  // namespace

TEST_CASE("pipeline: access policies") {
  Pipeline p;
  auto open = p.send("GET", "/t/public");
  CHECK(open.body == "{}");
  CHECK(p.canned.calls().empty());  // a public row loads no principal
  CHECK(p.send_as(p.alice, "GET", "/t/public").body == "{}");  // nor with a token

  CHECK(p.send("GET", "/t/token").body == R"({"detail":"Not authenticated"})");
  CHECK(p.send_as(p.alice, "GET", "/t/token").body == R"({"principal":3})");
  auto principal = p.canned.last_call<userpb::GetUserRequest>();
  CHECK(principal.as<userpb::GetUserRequest>().id() == p.alice.id());
  CHECK(principal.metadata_value("x-request-id") == "rid-1");

  CHECK(p.send_as(p.alice, "GET", "/t/operator").body == R"({"detail":"Not enough permissions"})");
  CHECK(p.send_as(p.op, "GET", "/t/operator").status == 200);
  CHECK(p.send_as(p.admin, "GET", "/t/operator").status == 200);  // at least: admin outranks

  CHECK(p.send_as(p.alice, "GET", "/t/self/3").body == R"({"principal":3,"id":3})");
  CHECK(p.send_as(p.alice, "GET", "/t/self/4").status == 403);
  CHECK(p.send_as(p.op, "GET", "/t/self/4").status == 403);  // operator is not admin
  CHECK(p.send_as(p.admin, "GET", "/t/self/4").status == 200);

  // ROLE_UNSPECIFIED counts as a user.
  auto unspecified = make_account(9, userpb::ROLE_UNSPECIFIED, "old");
  const validation::Values none;
  CHECK(endpoint::allowed(endpoint::at_least(userpb::ROLE_USER), unspecified, none));
  CHECK_FALSE(endpoint::allowed(endpoint::at_least(userpb::ROLE_OPERATOR), unspecified, none));
}

TEST_CASE("pipeline: the principal must exist (401) and be active (403)") {
  Pipeline p;
  p.accounts.erase(p.alice.id());
  CHECK(p.send_as(p.alice, "GET", "/t/token").body ==
        R"({"detail":"Could not validate credentials"})");
  auto inactive = p.bob;
  inactive.set_is_active(false);
  p.accounts.put(inactive);
  auto refused = p.send_as(p.bob, "GET", "/t/token");
  CHECK(refused.status == 403);
  CHECK(refused.body == R"({"detail":"User is inactive"})");
  // Checked before the policy: oneself, inactive, is refused too.
  CHECK(p.send_as(p.bob, "GET", "/t/self/4").body == R"({"detail":"User is inactive"})");
}

TEST_CASE("pipeline: the token first, then every issue in FastAPI's order, then the principal") {
  Pipeline p;
  const std::string bad_key(256, 'k');
  // Without a token nothing is validated.
  CHECK(p.send("POST", "/t/items/x?q=y", "{}").status == 401);

  auto all = p.send_as(p.alice, "POST", "/t/items/x?q=y", "{}", {{"X-Idempotency-Key", bad_key}});
  CHECK(all.status == 422);
  const auto issues = body_of(all);
  json::array locs;
  for (const auto& issue : issues.at("detail").as_array()) locs.push_back(issue.at("loc"));
  CHECK(locs == json::parse(R"([["path","id"],["query","q"],["header","x-idempotency-key"],)"
                            R"(["body","name"]])"));
  CHECK(p.canned.calls().empty());  // not even the principal

  auto ok = p.send_as(p.alice, "POST", "/t/items/7?q=2", R"({"name":" n "})",
                      {{"X-Idempotency-Key", "k-1"}});
  CHECK(ok.status == 201);  // the row's success status
  CHECK(ok.body == R"({"principal":3,"id":7,"q":2,"name":"n","key":"k-1"})");
}

TEST_CASE("pipeline: streetlight and pisync answer a schema failure with one 400 text") {
  Pipeline p;
  const std::string bad_key(256, 'k');
  auto path = p.send("POST", "/pisync/t/items/x", R"({"name":"n"})");
  CHECK(path.status == 400);
  CHECK(path.body == R"({"message":"Bad path"})");
  CHECK(p.send("POST", "/pisync/t/items/1?q=-1", R"({"name":"n"})").body ==
        R"({"message":"Bad query"})");
  // The body's issue wins over the key's; the key alone has a text of its own.
  CHECK(p.send("POST", "/pisync/t/items/1", "{}", {{"X-Idempotency-Key", bad_key}}).body ==
        R"({"message":"Bad body"})");
  auto key = p.send("POST", "/pisync/t/items/1", R"({"name":"n"})", {{"X-Idempotency-Key", bad_key}});
  CHECK(key.status == 400);
  CHECK(key.body == R"({"message":"Invalid idempotency key"})");
  CHECK(p.send("POST", "/pisync/t/items/1", R"({"name":"n"})").status == 201);
}

TEST_CASE("pipeline: error rules by code and reason, then the defaults") {
  Pipeline p;
  struct Case {
    grpc::StatusCode code;
    std::string message;
    int status;
    std::string rental;       // the rental body
    std::string streetlight;  // the streetlight body
  };
  const Case cases[] = {
      {grpc::StatusCode::NOT_FOUND, "row 1 missing", 404, R"({"detail":"Thing not found"})",
       R"({"status":404,"message":"Thing not found","data":null})"},
      {grpc::StatusCode::FAILED_PRECONDITION, "Busy", 409, R"({"detail":"Busy"})",
       R"({"status":409,"message":"Busy","data":null})"},
      {grpc::StatusCode::FAILED_PRECONDITION, "Closed", 400, R"({"detail":"Other precondition"})",
       R"({"status":400,"message":"Other precondition","data":null})"},
      {grpc::StatusCode::PERMISSION_DENIED, "no", 403, R"({"detail":"Not enough permissions"})",
       R"({"status":403,"message":"Insufficient permissions","data":null})"},
      {grpc::StatusCode::UNAUTHENTICATED, "expired", 401,
       R"({"detail":"Could not validate credentials"})",
       R"({"status":401,"message":"Invalid or missing token","data":null})"},
      // No rule: the code's status with the upstream text, or a 5xx's generic text.
      {grpc::StatusCode::ALREADY_EXISTS, "Name taken", 400, R"({"detail":"Name taken"})",
       R"({"status":400,"message":"Name taken","data":null})"},
      {grpc::StatusCode::UNAVAILABLE, "10.0.0.5 refused", 503,
       R"({"detail":"Service unavailable"})",
       R"({"status":503,"message":"Service unavailable","data":null})"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.message);
    p.canned.fail<userpb::UpdateUserRequest>(c.code, c.message);
    auto rental = p.send("GET", "/t/rules/1");
    CHECK(rental.status == c.status);
    CHECK(rental.body == c.rental);
    CHECK(p.send("GET", "/api/t/rules/1").body == c.streetlight);
  }
  p.canned.reply<userpb::UpdateUserRequest>(updated_response(p.alice));
  CHECK(p.send("GET", "/t/rules/3").body == R"({"username":"alice"})");
  CHECK(p.canned.last<userpb::UpdateUserRequest>().id() == 3);
}

TEST_CASE("pipeline: the idempotency verdicts of the row's effect") {
  Pipeline p;
  const Harness::Headers key{{"X-Idempotency-Key", "k-1"}};
  p.canned.reply<userpb::UpdateUserRequest>(updated_response(p.alice));
  auto first = p.send("POST", "/t/effect/3", {}, key);
  CHECK(first.status == 200);
  CHECK(first.header("Idempotent-Replayed").empty());
  auto sent = p.canned.last_call<userpb::UpdateUserRequest>();
  CHECK(sent.metadata == Metadata{{"x-idempotency-key", "k-1"},
                                  {"x-idempotency-fingerprint",
                                   http::request_fingerprint("POST", "/t/effect/3", "")},
                                  {"x-caller-id", "anonymous"},
                                  {"x-request-id", "rid-1"}});

  p.canned.reply<userpb::UpdateUserRequest>(updated_response(p.alice), kReplayed);
  auto replayed = p.send("POST", "/t/effect/3", {}, key);
  CHECK(replayed.header("Idempotent-Replayed") == "true");
  CHECK(replayed.body == first.body);
  // Without a key, a trailer means nothing: only a keyed call is judged.
  auto unkeyed = p.send("POST", "/t/effect/3");
  CHECK(unkeyed.header("Idempotent-Replayed").empty());
  CHECK(p.canned.last_call<userpb::UpdateUserRequest>().metadata ==
        Metadata{{"x-request-id", "rid-1"}});

  // A mismatch is 422 whatever the code; in-flight is 409 even with an OK status.
  p.canned.fail<userpb::UpdateUserRequest>(grpc::StatusCode::FAILED_PRECONDITION, "x", kMismatch);
  auto mismatch = p.send("POST", "/t/effect/3", {}, key);
  CHECK(mismatch.status == 422);
  CHECK(mismatch.body == R"({"detail":"Idempotency key was used with a different request"})");
  p.canned.reply<userpb::UpdateUserRequest>(updated_response(p.alice), kInFlight);
  CHECK(p.send("POST", "/t/effect/3", {}, key).status == 409);
  p.canned.fail<userpb::UpdateUserRequest>(grpc::StatusCode::ABORTED, "racing");
  auto aborted = p.send("POST", "/t/effect/3", {}, key);
  CHECK(aborted.status == 409);
  CHECK(aborted.body == R"({"detail":"A request with this idempotency key is in progress"})");
  // Any other failure of a keyed call goes through the rules as usual.
  p.canned.fail<userpb::UpdateUserRequest>(grpc::StatusCode::NOT_FOUND, "gone");
  auto refused = p.send("POST", "/t/effect/3", {}, key);
  CHECK(refused.status == 404);
  CHECK(refused.header("Idempotent-Replayed").empty());
  // A stored client error replays with its status and body, marked like a replayed success.
  p.canned.fail<userpb::UpdateUserRequest>(grpc::StatusCode::NOT_FOUND, "gone", kReplayed);
  auto replayed_refusal = p.send("POST", "/t/effect/3", {}, key);
  CHECK(replayed_refusal.status == 404);
  CHECK(replayed_refusal.body == refused.body);
  CHECK(replayed_refusal.header("Idempotent-Replayed") == "true");
}
