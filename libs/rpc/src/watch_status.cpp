#include "fleet/rpc/watch_status.h"

namespace fleet::rpc {

grpc::Status watch_status(WatchEnd reason, const std::string& not_found) {
  using grpc::StatusCode;
  switch (reason) {
    case WatchEnd::kCancelled:
      return grpc::Status(StatusCode::CANCELLED, "Cancelled");
    case WatchEnd::kOverflow:
      return grpc::Status(StatusCode::RESOURCE_EXHAUSTED, "Watcher fell behind");
    case WatchEnd::kNotFound:
      return grpc::Status(StatusCode::NOT_FOUND, not_found);
    case WatchEnd::kShutdown:
      return grpc::Status(StatusCode::UNAVAILABLE, "Service shutting down");
    case WatchEnd::kFailed:
      break;
  }
  return grpc::Status(StatusCode::UNAVAILABLE, "Service unavailable");
}

}  // namespace fleet::rpc
