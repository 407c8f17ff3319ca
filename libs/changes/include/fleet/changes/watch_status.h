#pragma once
// How a watch stream (a StreamWatcher behind a gRPC ServerWriteReactor) ends, as a gRPC status.
#include <grpcpp/support/status.h>

#include <string>

#include "fleet/changes/stream_watcher.h"

namespace fleet::changes {

// kNotFound answers NOT_FOUND with `not_found_text` (the watched thing is unknown).
grpc::Status watch_status(WatchEnd reason, const std::string& not_found_text = "Not found");

}  // namespace fleet::changes
