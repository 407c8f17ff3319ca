#pragma once
// Joins a service's hub of committed changes to its other replicas' hubs over the bus
// (fleet/bus/replication.h), with the hooks every hub takes the same way: what another replica
// committed reaches the hub through `apply`, every gap ends the hub's watchers with kFailed so
// that they start over from the database, and the hub's completeness follows the bus.
// Hub: end_all(WatchEnd) and set_complete(bool), as device-session's and user's hubs have.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "fleet/bus/replication.h"
#include "fleet/changes/stream_watcher.h"

namespace fleet::changes {

// `apply`: reads a payload another replica sent and applies it to the hub; false when it cannot
// be read (a gap). `on_complete_changed` hears when the hub starts or stops holding every
// replica's changes. Null without a bus: the service is the only replica.
template <typename Hub>
std::unique_ptr<bus::Replication> replicate(Hub& hub, const bus::Settings& settings,
                                            const std::string& service, std::string subject,
                                            std::function<bool(std::string_view)> apply,
                                            std::function<void(bool complete)> on_complete_changed) {
  if (!settings.enabled()) return nullptr;
  return std::make_unique<bus::Replication>(
      settings, service, std::move(subject),
      bus::Replication::Hooks{
          .apply = std::move(apply),
          .resync = [&hub] { hub.end_all(WatchEnd::kFailed); },
          .set_complete =
              [&hub, report = std::move(on_complete_changed)](bool complete) {
                hub.set_complete(complete);
                if (report) report(complete);
              }});
}

}  // namespace fleet::changes
