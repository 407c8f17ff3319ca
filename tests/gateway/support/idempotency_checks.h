#pragma once
// What every idempotent row does with X-Idempotency-Key, checked through one of its requests:
// the key, the request's fingerprint and the caller go up as metadata; the service's verdict
// comes back as a trailer: `replayed` marks the response (Idempotent-Replayed: true), `mismatch`
// is 422 and `in-flight` (or ABORTED) 409, in the surface's error body. Without a key no such
// metadata is sent.
#include <catch2/catch.hpp>
#include <functional>
#include <string>

#include "http/idempotency.h"
#include "support/gateway_harness.h"
#include "support/replies.h"

namespace fleet::gateway::testing {

struct IdempotentRequest {
  std::string method;
  std::string target;  // the path, without a query
  std::string body;
  std::string caller;  // the account id, or "anonymous"
  int status = 200;    // the row's success status
  // Sends the request with these extra headers.
  std::function<http::Response(Harness::Headers)> send;
};

// `Request` is the RPC the row's effect calls; `response` its canned reply. `errors` renders a
// text in the surface's error body.
template <typename Request>
void check_idempotency(Harness& h, const IdempotentRequest& r,
                       const google::protobuf::Message& response,
                       std::function<std::string(std::string_view)> errors) {
  const Harness::Headers key{{"X-Idempotency-Key", "key-1"}};
  h.canned.reply<Request>(response);
  auto first = r.send(key);
  REQUIRE(first.status == r.status);
  CHECK(first.header("Idempotent-Replayed").empty());
  const auto sent = h.canned.last_call<Request>();
  CHECK(sent.metadata_value("x-idempotency-key") == "key-1");
  CHECK(sent.metadata_value("x-idempotency-fingerprint") ==
        http::request_fingerprint(r.method, r.target, r.body));
  CHECK(sent.metadata_value("x-caller-id") == r.caller);
  CHECK(sent.metadata_value("x-request-id") == "test-request");

  h.canned.reply<Request>(response, kReplayed);
  auto again = r.send(key);
  CHECK(again.status == r.status);
  CHECK(again.body == first.body);  // the stored reply renders as the first one did
  CHECK(again.header("Idempotent-Replayed") == "true");

  h.canned.fail<Request>(grpc::StatusCode::INVALID_ARGUMENT, "fingerprint differs", kMismatch);
  auto different = r.send(key);
  CHECK(different.status == 422);
  CHECK(different.body == errors("Idempotency key was used with a different request"));

  const std::string in_progress = errors("A request with this idempotency key is in progress");
  h.canned.fail<Request>(grpc::StatusCode::ABORTED, "busy", kInFlight);
  auto racing = r.send(key);
  CHECK(racing.status == 409);
  CHECK(racing.body == in_progress);
  h.canned.fail<Request>(grpc::StatusCode::ABORTED, "busy");  // ABORTED alone says the same
  CHECK(r.send(key).body == in_progress);

  h.canned.reply<Request>(response);
  REQUIRE(r.send({}).status == r.status);
  const auto plain = h.canned.last_call<Request>();
  CHECK_FALSE(plain.has_metadata("x-idempotency-key"));
  CHECK_FALSE(plain.has_metadata("x-idempotency-fingerprint"));
  CHECK_FALSE(plain.has_metadata("x-caller-id"));
}

inline std::string detail_body(std::string_view text) {
  return R"({"detail":")" + std::string(text) + "\"}";
}

}  // namespace fleet::gateway::testing
