#pragma once
// How a watch stream (WatchDevice, WatchDevices) ends, as a gRPC status.
#include <grpcpp/support/status.h>

#include "domain/watcher.h"

namespace fleet::device_session {

grpc::Status watch_status(WatchEnd reason);

}  // namespace fleet::device_session
