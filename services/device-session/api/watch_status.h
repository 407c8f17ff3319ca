#pragma once
// How a watch stream (WatchDevice, WatchDevices) ends, as a gRPC status.
#include "domain/watcher.h"
#include "fleet/changes/watch_status.h"

namespace fleet::device_session {

inline grpc::Status device_watch_status(WatchEnd reason) {
  return changes::watch_status(reason, "Device not found");
}

}  // namespace fleet::device_session
