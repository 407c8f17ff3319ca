#include "fleet/rpc/unary.h"

#include "fleet/common/logging.h"
#include "fleet/db/db.h"

namespace fleet::rpc {
namespace {

// Runs the work and turns its outcome into the status the client sees. Causes go to the log
// (with the request id in scope); the wire carries only client-safe text.
grpc::Status outcome_of(const std::function<void()>& work) {
  using grpc::Status;
  using grpc::StatusCode;
  try {
    work();
    return Status::OK;
  } catch (const DomainError& e) {
    return Status(to_grpc_code(e.code()), e.what());
  } catch (const db::DuplicateKey& e) {
    log::warn("unmapped_duplicate_key", {{"key", e.key()}});  // the message holds user data
    return Status(StatusCode::ALREADY_EXISTS, "Already exists");
  } catch (const db::ConnectionLost& e) {
    log::error("database_unavailable", {{"cause", e.what()}});
    return Status(StatusCode::UNAVAILABLE, "Service unavailable");
  } catch (const db::PoolExhausted& e) {
    log::error("database_unavailable", {{"cause", e.what()}});
    return Status(StatusCode::UNAVAILABLE, "Service unavailable");
  } catch (const std::exception& e) {
    log::error("internal_error", {{"cause", e.what()}});
    return Status(StatusCode::INTERNAL, "Internal error");
  } catch (...) {
    log::error("internal_error", {{"cause", "unknown exception"}});
    return Status(StatusCode::INTERNAL, "Internal error");
  }
}

}  // namespace

grpc::StatusCode to_grpc_code(ErrorCode code) {
  using grpc::StatusCode;
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return StatusCode::INVALID_ARGUMENT;
    case ErrorCode::kNotFound:
      return StatusCode::NOT_FOUND;
    case ErrorCode::kAlreadyExists:
      return StatusCode::ALREADY_EXISTS;
    case ErrorCode::kPermissionDenied:
      return StatusCode::PERMISSION_DENIED;
    case ErrorCode::kUnauthenticated:
      return StatusCode::UNAUTHENTICATED;
    case ErrorCode::kFailedPrecondition:
      return StatusCode::FAILED_PRECONDITION;
    case ErrorCode::kAborted:
      return StatusCode::ABORTED;
    case ErrorCode::kUnavailable:
      return StatusCode::UNAVAILABLE;
    case ErrorCode::kInternal:
      return StatusCode::INTERNAL;
  }
  return StatusCode::INTERNAL;
}

grpc::ServerUnaryReactor* run_unary(grpc::CallbackServerContext* context, WorkerPool& pool,
                                    std::function<void()> work) {
  auto* reactor = context->DefaultReactor();
  pool.post([context, reactor, work = std::move(work)] {
    log::ScopedRequestId scope(request_id(*context));
    // The caller gave up while the call was queued: do nothing it will never see.
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled"));
      return;
    }
    reactor->Finish(outcome_of(work));
  });
  return reactor;
}

std::string request_id(const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto it =
      metadata.find(grpc::string_ref(log::kRequestIdKey.data(), log::kRequestIdKey.size()));
  if (it == metadata.end()) return {};
  return std::string(it->second.data(), it->second.size());
}

std::unique_ptr<grpc::ClientContext> downstream_context(const grpc::CallbackServerContext& incoming,
                                                        std::chrono::milliseconds timeout) {
  auto context = grpc::ClientContext::FromCallbackServerContext(incoming);
  context->set_deadline(std::min(incoming.deadline(), std::chrono::system_clock::now() + timeout));
  std::string id = request_id(incoming);
  if (id.empty()) id = log::current_request_id();
  if (!id.empty()) context->AddMetadata(std::string(log::kRequestIdKey), id);
  return context;
}

std::unique_ptr<grpc::ClientContext> client_context(std::chrono::milliseconds timeout,
                                                    const std::string& request_id) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  if (!request_id.empty()) context->AddMetadata(std::string(log::kRequestIdKey), request_id);
  return context;
}

}  // namespace fleet::rpc
