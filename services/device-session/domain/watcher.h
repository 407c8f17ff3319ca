#pragma once
// The watcher state machine is shared with every service's change feed (libs/changes).
#include "fleet/changes/stream_watcher.h"

namespace fleet::device_session {

using changes::StreamWatcher;
using changes::WatchEnd;

}  // namespace fleet::device_session
