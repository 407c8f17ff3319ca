#pragma once
// Building blocks shared by the surface handlers: failing with a surface error, mapping gRPC
// errors, tokens and the current principal, input validation, and account operations that span
// the user and auth services.
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.h"
#include "fleet/token/jwt.h"
#include "render/errors.h"
#include "upstream/backend.h"
#include "validation/schema.h"

namespace fleet::gateway::app {

namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;

// Throws render::ApiError: the dispatcher answers `status` with `text` in the surface's body.
[[noreturn]] void fail(int status, std::string text);

// A failed upstream call: 4xx carry the upstream text (client-safe by contract), 5xx only the
// generic text; the cause is logged. `call` names the RPC for the log.
[[noreturn]] void fail_upstream(const grpc::Status& status, std::string_view call);

template <typename T>
T take(upstream::Reply<T>&& reply, std::string_view call) {
  if (!reply.ok()) fail_upstream(reply.status, call);
  return std::move(reply.message);
}

// 401 texts of the surface: no or ill-formed Authorization header / a token that fails.
std::string_view missing_token_text(Surface surface);
std::string_view invalid_token_text(Surface surface);
// 403 text of the surface.
std::string_view forbidden_text(Surface surface);
[[noreturn]] void forbidden(const Context& ctx);

// The claims of the request's bearer token, verified locally; 401 in the surface's words
// otherwise, 503 while the verification key has not been fetched yet.
token::Claims require_token(const Context& ctx);

// A WebSocket's token: `Authorization: Bearer …` or, as browsers cannot set headers, the
// `token` query parameter. 401 as require_token otherwise.
token::Claims require_socket_token(const Context& ctx);

// The account acting: a token whose account is gone is 401, an inactive account 403.
boost::asio::awaitable<userpb::Account> load_principal(Context& ctx, const token::Claims& claims);

// Coroutines here take references: callers pass named values (see upstream/backend.h).

// Input. Issues are collected in FastAPI's order (path, query, body) and thrown together.
std::optional<std::int64_t> path_id(const Context& ctx, std::string_view name,
                                    validation::Issues& issues);
// The path id alone, when nothing else is validated with it: 422 (or 400) at once if malformed.
std::int64_t require_path_id(const Context& ctx, std::string_view name);
validation::Values query_values(const Context& ctx, validation::Schema schema,
                                validation::Issues& issues);
validation::Values json_values(const Context& ctx, validation::Schema schema,
                               validation::Issues& issues);
// JSON body, or form fields when the Content-Type is a form (users-v1 login takes both).
validation::Values json_or_form_values(const Context& ctx, validation::Schema schema,
                                       validation::Issues& issues);
void throw_if_invalid(validation::Issues& issues);

http::Response json(int status, boost::json::value body);
// A JSON body already serialized (render::JsonWriter).
http::Response raw_json(int status, std::string body);
http::Response no_content();

// Idempotency (PLATFORM.md): the POST's X-Idempotency-Key, or nullopt without one; a malformed
// key (not 1..255 visible ASCII characters) is an issue at ["header","x-idempotency-key"].
std::optional<std::string> idempotency_key(const Context& ctx, validation::Issues& issues);
// The same for surfaces whose schema failures are 400 (streetlight, pisync): a malformed key
// fails `status` with "Invalid idempotency key" in the surface's body.
std::optional<std::string> idempotency_key_or_fail(const Context& ctx, int status);
// The caller of a POST made without a token (self-registration): keys of anonymous callers
// share one namespace, and the fingerprint tells their different requests apart (422).
inline constexpr std::string_view kAnonymousCaller = "anonymous";
// What to forward with the call: the key, the request's fingerprint and the caller.
upstream::Idempotency idempotency_for(const Context& ctx, const std::optional<std::string>& key,
                                      std::int64_t caller);
upstream::Idempotency idempotency_for(const Context& ctx, const std::optional<std::string>& key,
                                      std::string_view caller);
// The service's verdict on a call that carried a key, from the reply's x-idempotency trailer:
// "mismatch" fails `mismatch_status` (422; 400 where schema failures are 400), "in-flight" (or
// ABORTED) 409; true for "replayed" (the stored first response).
bool replayed(const grpc::Status& status, const upstream::Metadata& trailers,
              int mismatch_status = 422);
// Marks a replayed response with `Idempotent-Replayed: true`.
http::Response mark_replayed(http::Response response, bool replayed);

// Accounts. A missing account is 404 "User not found".
boost::asio::awaitable<userpb::Account> get_account(Context& ctx, std::int64_t id);
boost::asio::awaitable<std::vector<userpb::Account>> list_accounts(Context& ctx,
                                                                   std::int64_t offset,
                                                                   std::int64_t limit);
boost::asio::awaitable<userpb::Account> update_account(Context& ctx,
                                                       const userpb::UpdateUserRequest& request);
// user.DeleteUser, then auth.DeleteCredentials.
boost::asio::awaitable<void> delete_account(Context& ctx, std::int64_t id);
boost::asio::awaitable<void> set_password(Context& ctx, std::int64_t id,
                                          const std::string& password);

}  // namespace fleet::gateway::app
