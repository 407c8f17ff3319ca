#pragma once
// How a watch stream (fleet/common/stream_watcher.h) ends, as a gRPC status. `not_found` is the
// text of WatchEnd::kNotFound ("Device not found").
#include <grpcpp/support/status.h>

#include <string>

#include "fleet/common/stream_watcher.h"

namespace fleet::rpc {

grpc::Status watch_status(WatchEnd reason, const std::string& not_found = "Not found");

}  // namespace fleet::rpc
