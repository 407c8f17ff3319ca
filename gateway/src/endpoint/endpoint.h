#pragma once
// One row per operation, as FastAPI's route signature or grpc-gateway's annotation: everything
// the generic pipeline (endpoint/pipeline.h) needs to run it, and everything /openapi.json says
// of it. A surface is a table of rows (surfaces/*.cpp); code is written only for what a row
// cannot say, in its `run` translation.
#include <boost/asio/awaitable.hpp>
#include <grpcpp/support/status_code_enum.h>
#include <span>
#include <string_view>

#include "http/message.h"
#include "router/surface.h"
#include "server/server.h"
#include "user/v1/user.pb.h"
#include "validation/schema.h"

namespace fleet::gateway::endpoint {

class Call;
using Role = ::fleetgate::user::v1::Role;

// Who may call (PLATFORM.md "Who may do what"), declared rather than coded. Every row but a
// public one needs a valid token whose account exists and is active.
enum class Access {
  kPublic,     // no token
  kToken,      // any signed-in account
  kRole,       // an account of at least `role` (user < operator < admin)
  kSelfOrRole  // the account named by the path parameter `self`, or at least `role`
};
struct Policy {
  Access access = Access::kPublic;
  Role role = ::fleetgate::user::v1::ROLE_USER;
  std::string_view self;  // path parameter naming an account (kSelfOrRole)
};
inline constexpr Policy kPublic{};
inline constexpr Policy kAnyToken{.access = Access::kToken, .role = ::fleetgate::user::v1::ROLE_USER, .self = {}};
constexpr Policy at_least(Role role) {
  return Policy{.access = Access::kRole, .role = role, .self = {}};
}
constexpr Policy self_or(std::string_view path_param, Role role) {
  return Policy{.access = Access::kSelfOrRole, .role = role, .self = path_param};
}

// How a row reads its body.
enum class Body {
  kNone,
  kJson,        // a JSON object
  kForm,        // urlencoded or multipart form fields (OAuth2PasswordRequestForm)
  kJsonOrForm,  // either, by Content-Type
};

// The client text of an error rule: the upstream's own message (client-safe by contract), the
// surface's 403 text, or a literal.
inline constexpr std::string_view kUpstreamText = "";
inline constexpr std::string_view kForbiddenText = "\x01forbidden";
inline constexpr std::string_view kInvalidTokenText = "\x01invalid-token";

// A failed upstream call's gRPC code (and, if given, its exact message) to an HTTP status and
// text. A row's rules are tried first, then the defaults (rpc code to HTTP status with the
// upstream text for 4xx, a generic text for 5xx).
struct ErrorRule {
  grpc::StatusCode code;
  int status;
  std::string_view text = kUpstreamText;
  std::string_view reason = {};  // the upstream message to match; empty matches any
};

// The auth service refuses a call that hashes a password (login, registration, password change)
// at once when its argon2id pool is full: 429 in the surface's body, with Retry-After
// (render::error_response). Rows that hash list it, so the docs show it too.
inline constexpr ErrorRule kTooManyRequests{grpc::StatusCode::RESOURCE_EXHAUSTED, 429,
                                            "Too many requests"};
inline constexpr ErrorRule kHashingErrors[] = {kTooManyRequests};

// What a response carries, for the docs: a named schema (see openapi/schemas.h), an array of
// one, or nothing (204).
struct ResponseDoc {
  std::string_view schema;  // "" for an empty body
  bool array = false;
};

// The text of the 400 that streetlight and pisync answer for failed schemas (their bodies have
// no issue list).
using ProblemText = std::string (*)(const validation::Issues& issues);

using Run = boost::asio::awaitable<http::Response> (*)(Call& call);

// A read whose 200 answers the gateway may keep (cache/response_cache.h) while `service`'s change
// feed says `topic` is unchanged. The key is the path and query, plus what `vary` returns for
// the caller when the answer depends on who asks (e.g. a customer's own orders); without `vary`
// every caller the row admits gets the same answer.
using CacheVary = std::string (*)(const Call& call);
struct Caching {
  std::string_view service;  // its services.tsv name; empty: never cached
  std::string_view topic;
  CacheVary vary = nullptr;
};
// A WebSocket row: the socket's handler once the handshake passed the pipeline. Its token may
// also come as `?token=`, since browsers cannot set headers on a WebSocket.
using Accept = boost::asio::awaitable<server::Upgrade> (*)(Call& call);

struct Endpoint {
  std::string_view method;
  std::string_view path;  // full path with {params}, prefix included
  Surface surface;
  std::string_view summary;
  Policy access = kPublic;
  validation::Schema path_params = {};
  validation::Schema query = {};
  Body body_kind = Body::kNone;
  validation::Schema body = {};
  int success = 200;
  bool idempotent = false;  // honours X-Idempotency-Key (PLATFORM.md "Idempotency")
  std::span<const ErrorRule> errors = {};
  ResponseDoc response = {};
  ProblemText problem = nullptr;  // streetlight and pisync: the 400 text of a schema failure
  Run run = nullptr;
  Accept accept = nullptr;  // WebSocket rows instead of `run`
  bool hidden = false;  // served but left out of the docs (a trailing-slash alias)
  Caching cache = {};
};

using Table = std::span<const Endpoint>;

}  // namespace fleet::gateway::endpoint
