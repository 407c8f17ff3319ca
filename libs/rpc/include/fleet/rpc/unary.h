#pragma once
// The thin adapter pattern: a callback-API method hands its work to the worker pool and returns
// the reactor; the work's outcome becomes the status. No exception crosses the gRPC boundary:
//   DomainError          -> its code, its client-safe message
//   db::DuplicateKey     -> ALREADY_EXISTS "Already exists"
//   db::ConnectionLost, db::PoolExhausted -> UNAVAILABLE "Service unavailable"
//   anything else        -> INTERNAL "Internal error"
// Causes are logged with the request id; only the client-safe text goes on the wire.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "fleet/common/error.h"
#include "fleet/rpc/server.h"

namespace fleet::rpc {

grpc::StatusCode to_grpc_code(ErrorCode code);

// Runs `work` on `pool` with the caller's request id in scope, then finishes the reactor.
grpc::ServerUnaryReactor* run_unary(grpc::CallbackServerContext* context, WorkerPool& pool,
                                    std::function<void()> work);

// The request id the caller sent in metadata, or "" if none.
std::string request_id(const grpc::CallbackServerContext& context);

// A context for a downstream call made while serving `incoming`: carries its deadline and
// cancellation (FromCallbackServerContext), the request id, and at most `timeout` more.
std::unique_ptr<grpc::ClientContext> downstream_context(const grpc::CallbackServerContext& incoming,
                                                        std::chrono::milliseconds timeout);
// A context for a call made outside any request (startup work, the gateway).
std::unique_ptr<grpc::ClientContext> client_context(std::chrono::milliseconds timeout,
                                                    const std::string& request_id = {});

}  // namespace fleet::rpc
