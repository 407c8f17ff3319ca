#pragma once
// Exactly-once unary gRPC methods in one call. The gateway sends, with a POST that carries
// X-Idempotency-Key, the metadata below; the reply's trailing metadata x-idempotency tells it
// what happened when the effect did not run now:
//   replayed   OK with the first response, byte for byte, or the first call's client error
//              (its code and text; fleet/idempotency/store.h step 3)
//   mismatch   INVALID_ARGUMENT "Idempotency key was used with a different request"   (-> 422)
//   in-flight  ABORTED "A request with this idempotency key is in progress"          (-> 409)
// Use in a callback service method:
//   return idempotency::run_unary(context, workers_, store_, response,
//       [&](db::Connection& conn) { /* the effect, filling *response */ },
//       [&] { /* after commit, not on a replay: publish events */ });
#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

#include "fleet/idempotency/store.h"
#include "fleet/rpc/server.h"

namespace google::protobuf {
class MessageLite;
}

namespace fleet::idempotency {

inline constexpr std::string_view kKeyHeader = "x-idempotency-key";
inline constexpr std::string_view kFingerprintHeader = "x-idempotency-fingerprint";
inline constexpr std::string_view kCallerHeader = "x-caller-id";
inline constexpr std::string_view kOutcomeTrailer = "x-idempotency";
inline constexpr std::string_view kReplayed = "replayed";
inline constexpr std::string_view kMismatch = "mismatch";
inline constexpr std::string_view kInFlight = "in-flight";

// The key of this call, or nullopt when it carries no (or an empty) x-idempotency-key.
std::optional<Key> key_of(const grpc::CallbackServerContext& context);

// Runs on `workers` (through fleet::rpc::run_unary, so errors map as everywhere else):
// effect(conn) inside one transaction on the store's pool, which also stores the serialized
// *response under the key; a repeat replays it into *response. *response is cleared before each
// attempt of the effect. after_commit runs once the effect committed (not on a replay).
// on_failure runs when the call fails after the effect may have run but before its commit was
// confirmed: the place to undo what the effect did outside the transaction (another service).
// The commit's outcome can be unknown (a lost connection), so it must check before undoing.
grpc::ServerUnaryReactor* run_unary(grpc::CallbackServerContext* context, rpc::WorkerPool& workers,
                                    Store& store, google::protobuf::MessageLite* response,
                                    std::function<void(db::Connection&)> effect,
                                    std::function<void()> after_commit = {},
                                    std::function<void()> on_failure = {});

// Opens a service's own transaction interface (its domain's) on the key's connection. The
// repository provides one, main() injects it, so that an adapter needs no database header.
template <class Tx>
using TransactionFactory = std::function<std::unique_ptr<Tx>(db::Connection&)>;

// The same, with the effect run on open(conn) instead of on the connection itself.
template <class Tx>
grpc::ServerUnaryReactor* run_unary(grpc::CallbackServerContext* context, rpc::WorkerPool& workers,
                                    Store& store, google::protobuf::MessageLite* response,
                                    const TransactionFactory<Tx>& open,
                                    std::type_identity_t<std::function<void(Tx&)>> effect,
                                    std::function<void()> after_commit = {},
                                    std::function<void()> on_failure = {}) {
  return run_unary(
      context, workers, store, response,
      [open, effect = std::move(effect)](db::Connection& conn) {
        const std::unique_ptr<Tx> tx = open(conn);
        effect(*tx);
      },
      std::move(after_commit), std::move(on_failure));
}

}  // namespace fleet::idempotency
