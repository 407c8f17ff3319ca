#pragma once
// The one pipeline every row runs: token, validation, idempotency key, principal, access check,
// the row's translation, error rules, render. Failures are thrown as render::ApiError or
// render::ValidationError and rendered by the dispatcher in the surface's body.
#include "app/context.h"
#include "endpoint/call.h"
#include "endpoint/endpoint.h"

namespace fleet::gateway::endpoint {

boost::asio::awaitable<http::Response> run(const Endpoint& row, app::Context& ctx);
// A WebSocket row's handshake: the same checks, then its socket.
boost::asio::awaitable<server::Upgrade> accept(const Endpoint& row, app::Context& ctx);

// The account a token names, which must exist (401 otherwise) and be active (403 otherwise).
boost::asio::awaitable<userpb::Account> load_principal(app::Context& ctx, std::int64_t user_id);

// The access policy against the acting account and the validated path (403 otherwise).
bool allowed(const Policy& policy, const userpb::Account& principal,
             const validation::Values& path);

// A failed call under the row's rules, then the defaults; always throws render::ApiError.
[[noreturn]] void fail_upstream(const Endpoint& row, const UpstreamFailure& failure);

}  // namespace fleet::gateway::endpoint
