#pragma once
// Building blocks of the pipeline and the sockets: failing with a surface error, mapping gRPC
// errors, tokens, and the X-Idempotency-Key header.
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.h"
#include "fleet/token/jwt.h"
#include "render/errors.h"
#include "upstream/upstream.h"
#include "validation/schema.h"

namespace fleet::gateway::app {

// Throws render::ApiError: the dispatcher answers `status` with `text` in the surface's body.
[[noreturn]] void fail(int status, std::string text);

// A failed upstream call: 4xx carry the upstream text (client-safe by contract), 5xx only the
// generic text; the cause is logged. `call` names the RPC for the log.
[[noreturn]] void fail_upstream(const grpc::Status& status, std::string_view call);

// 401 texts of the surface: no or ill-formed Authorization header / a token that fails.
std::string_view missing_token_text(Surface surface);
std::string_view invalid_token_text(Surface surface);
// 403 text of the surface.
std::string_view forbidden_text(Surface surface);
[[noreturn]] void forbidden(const Context& ctx);

// The claims of the request's bearer token, verified locally; 401 in the surface's words
// otherwise, 503 while the verification key has not been fetched yet. A token of a "kid" not
// held yet waits for the key set to be fetched again (auth/key_store.h).
boost::asio::awaitable<token::Claims> require_token(const Context& ctx);

// A WebSocket's token: `Authorization: Bearer …` or, as browsers cannot set headers, the
// `token` query parameter. 401 as require_token otherwise.
boost::asio::awaitable<token::Claims> require_socket_token(const Context& ctx);

void throw_if_invalid(validation::Issues& issues);

http::Response json(int status, boost::json::value body);
// A JSON body already serialized (render::JsonWriter).
http::Response raw_json(int status, std::string body);
http::Response no_content();

// Idempotency (PLATFORM.md): the POST's X-Idempotency-Key, or nullopt without one; a malformed
// key (not 1..255 visible ASCII characters) is an issue at ["header","x-idempotency-key"].
std::optional<std::string> idempotency_key(const Context& ctx, validation::Issues& issues);
// The caller of a POST made without a token (self-registration): keys of anonymous callers
// share one namespace, and the fingerprint tells their different requests apart (422).
inline constexpr std::string_view kAnonymousCaller = "anonymous";
}  // namespace fleet::gateway::app
