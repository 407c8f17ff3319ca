#include "fleet/idempotency/unary.h"

#include <google/protobuf/message_lite.h>

#include "fleet/common/error.h"
#include "fleet/rpc/unary.h"

namespace fleet::idempotency {
namespace {

std::string metadata(const grpc::CallbackServerContext& context, std::string_view name) {
  const auto& all = context.client_metadata();
  const auto it = all.find(grpc::string_ref(name.data(), name.size()));
  if (it == all.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

void tell(grpc::CallbackServerContext& context, std::string_view outcome) {
  context.AddTrailingMetadata(std::string(kOutcomeTrailer), std::string(outcome));
}

}  // namespace

std::optional<Key> key_of(const grpc::CallbackServerContext& context) {
  Key key{metadata(context, kCallerHeader), metadata(context, kKeyHeader),
          metadata(context, kFingerprintHeader)};
  if (key.key.empty()) return std::nullopt;
  return key;
}

grpc::ServerUnaryReactor* run_unary(grpc::CallbackServerContext* context, rpc::WorkerPool& workers,
                                    Store& store, google::protobuf::MessageLite* response,
                                    std::function<void(db::Connection&)> effect,
                                    std::function<void()> after_commit,
                                    std::function<void()> on_failure) {
  return rpc::run_unary(
      context, workers,
      [context, &store, response, effect = std::move(effect),
       after_commit = std::move(after_commit), on_failure = std::move(on_failure)] {
        Store::Result result;
        try {
          result = store.run(key_of(*context), [&](db::Connection& conn) {
            response->Clear();  // a deadlock retry starts from scratch
            effect(conn);
            return response->SerializeAsString();
          });
        } catch (...) {
          if (on_failure) on_failure();
          throw;
        }
        switch (result.outcome) {
          case Outcome::kFresh:
            if (after_commit) after_commit();
            return;
          case Outcome::kReplayed:
            if (!response->ParseFromString(result.response)) {
              throw std::runtime_error("stored idempotent response does not parse");
            }
            tell(*context, kReplayed);
            return;
          case Outcome::kReplayedError:
            // The first request's client error, again: the same status and text.
            tell(*context, kReplayed);
            throw *result.error;
          case Outcome::kMismatch:
            tell(*context, kMismatch);
            throw DomainError(ErrorCode::kInvalidArgument, std::string(kMismatchText));
          case Outcome::kInFlight:
            tell(*context, kInFlight);
            throw DomainError(ErrorCode::kAborted, std::string(kInFlightText));
        }
      });
}

}  // namespace fleet::idempotency
