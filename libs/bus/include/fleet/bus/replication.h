#pragma once
// Joins a service's in-process hub of committed changes (the one its watch streams read) to the
// hubs of its other replicas, over the bus: each replica sends what it committed, and applies
// what the others committed, so a watcher of any replica sees every replica's changes.
//
// Without a bus (NATS_URL unset) the service is the only replica: send() does nothing and the
// hub is complete. With one, the hub is complete only while the bus is up; across every gap
// (bus lost, or a message dropped) the hub's watchers must start over from the database, which
// `resync` does by ending them. A feed that caches (the gateway's read models) must not be
// served while the hub is incomplete: its reader would cache what another replica changed
// since. Countdown streams go on from local changes (what one replica can do), and the
// service's health reports the bus as degraded.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "fleet/bus/bus.h"
#include "fleet/bus/settings.h"

namespace fleet::bus {

class Replication {
 public:
  struct Hooks {
    // A change another replica committed (the payload it sent). Runs on the bus's thread.
    std::function<void(std::string_view payload)> apply;
    // Watchers may have missed changes: end them, so they start over. Runs on the bus's thread.
    std::function<void()> resync;
    // The hub became complete or incomplete (for health); may be empty.
    std::function<void(bool complete)> on_complete_changed;
  };

  // `subject`: the service's changes, e.g. "fleetgate.device-session.changes".
  Replication(const Settings& settings, const std::string& service, std::string subject,
              Hooks hooks);
  ~Replication();
  Replication(const Replication&) = delete;
  Replication& operator=(const Replication&) = delete;

  bool enabled() const { return bus_ != nullptr; }
  // True while this replica's hub holds every replica's changes.
  bool complete() const { return !enabled() || complete_.load(); }
  // After a local commit: the other replicas apply `payload`.
  void send(std::string_view payload);
  // Receives the bus's connection events (public for tests that drive it without a server).
  void on_bus_event(Event event);

 private:
  const std::string subject_;
  const Hooks hooks_;
  std::atomic<bool> complete_{false};
  std::unique_ptr<Bus> bus_;
};

}  // namespace fleet::bus
