#include "api/watch_status.h"

#include "fleet/rpc/watch_status.h"

namespace fleet::device_session {

grpc::Status watch_status(WatchEnd reason) { return rpc::watch_status(reason, "Device not found"); }

}  // namespace fleet::device_session
