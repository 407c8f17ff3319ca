#pragma once
// The hub's link to the service's other replicas: what this replica commits goes out on the
// bus as a ReplicaChange, and what the others commit is applied to this hub (so a countdown
// watched on any replica hears a start made on any other). fleet/bus/replication.h holds the
// rules for gaps; this file only translates.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "domain/device_hub.h"
#include "fleet/bus/replication.h"

namespace fleet::device_session {

using ReplicaChange = std::variant<DeviceEvent, Wallet>;

std::string encode_replica_change(const ReplicaChange& change);
// nullopt for a payload that is not a whole ReplicaChange (logged by the caller as a gap).
std::optional<ReplicaChange> decode_replica_change(std::string_view payload);

class ReplicaRelay final : public Outbox {
 public:
  static constexpr const char* kSubject = "fleetgate.device-session.changes";

  // Joins `hub` to the other replicas when `settings` name a bus; with none, does nothing.
  // `on_complete_changed` hears when the hub starts or stops getting every replica's changes.
  ReplicaRelay(DeviceHub& hub, const bus::Settings& settings,
               std::function<void(bool complete)> on_complete_changed);
  ~ReplicaRelay() override;

  void committed(const DeviceEvent& event) override;
  void committed(const Wallet& wallet) override;

 private:
  void apply(std::string_view payload);

  DeviceHub& hub_;
  std::unique_ptr<bus::Replication> replication_;  // null without a bus
};

}  // namespace fleet::device_session
