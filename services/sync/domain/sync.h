#pragma once
// The pisync rules: listing devices, sync attempts (an outcome drawn per attempt, the device's
// fields updated and the attempt logged in one transaction), the attempt log, demo devices.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"
#include "domain/outcomes.h"
#include "domain/repository.h"
#include "fleet/common/clock.h"

namespace fleet::sync {

// The client-safe text of an unknown id (NOT_FOUND).
std::string device_not_found(std::int64_t id);

// `device` after an attempt at `at` with `outcome`: every attempt sets last_attempt_at,
// sync_status_code and error_message; only a success sets last_sync_at.
Device after_attempt(Device device, const Outcome& outcome, TimePoint at);

// A demo device and the attempts (oldest first) that gave it its state.
struct DemoDevice {
  NewDevice device;
  struct Past {
    Outcome outcome;
    TimePoint at;
  };
  std::vector<Past> history;
};
// Devices 101-105: 101 synced as the pisync document shows it (2025-04-23T14:30:25Z), 102
// synced once and then failed, 105 failed, 103 and 104 never attempted.
std::vector<DemoDevice> demo_devices();

class Sync {
 public:
  Sync(Repository& repository, const Clock& clock, OutcomeSource& outcomes)
      : repository_(repository), clock_(clock), outcomes_(outcomes) {}

  std::vector<Device> list_devices();
  // One attempt. DomainError kNotFound device_not_found(id) for an unknown id (no draw is taken
  // then). The outcome is drawn once the device's row is locked.
  SyncResult sync(std::int64_t device_id, std::optional<std::int64_t> actor_user_id);
  // Newest first; limit 1..1000 (0: 100). kNotFound for an unknown id, kInvalidArgument for a
  // limit out of range.
  std::vector<Attempt> attempts(std::int64_t device_id, int limit);
  // Creates each demo device whose id is free, with its history logged; existing devices are
  // left alone. Returns how many were created.
  int ensure_demo_devices();

 private:
  Repository& repository_;
  const Clock& clock_;
  OutcomeSource& outcomes_;
};

}  // namespace fleet::sync
