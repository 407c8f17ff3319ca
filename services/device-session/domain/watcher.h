#pragma once
// The watcher state machine (fleet/common/stream_watcher.h), shared with the user service's
// WatchAccounts.
#include "fleet/common/stream_watcher.h"
