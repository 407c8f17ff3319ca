#include "domain/sync.h"

#include <chrono>

#include "fleet/common/error.h"

namespace fleet::sync {
namespace {

using namespace std::chrono;

constexpr int kDefaultLimit = 100;
constexpr int kMaxLimit = 1000;

TimePoint utc(year_month_day day, hours h, minutes m, seconds s) {
  return sys_days{day} + h + m + s;
}

// Applies `outcome` to the locked `device` and logs it, in the caller's transaction.
SyncResult record(Transaction& tx, const Device& device, const Outcome& outcome, TimePoint at,
                  std::optional<std::int64_t> actor_user_id) {
  SyncResult result{after_attempt(device, outcome, at), {}};
  tx.save_sync_fields(result.device);
  result.attempt = Attempt{.id = 0,
                           .device_id = device.id,
                           .status_code = outcome.status_code,
                           .error_message = result.device.error_message,
                           .attempted_at = at,
                           .actor_user_id = actor_user_id};
  result.attempt.id = tx.add_attempt(result.attempt);
  return result;
}

}  // namespace

std::string device_not_found(std::int64_t id) {
  return "Device with ID " + std::to_string(id) + " not found";
}

Device after_attempt(Device device, const Outcome& outcome, TimePoint at) {
  device.last_attempt_at = at;
  device.sync_status_code = outcome.status_code;
  if (outcome.success()) {
    device.last_sync_at = at;
    device.error_message.reset();
  } else {
    device.error_message = std::string(outcome.error_message.value_or("Unknown Sync Error"));
  }
  return device;
}

std::vector<DemoDevice> demo_devices() {
  constexpr auto apr = [](unsigned d) { return year{2025} / April / day{d}; };
  return {
      {{101, "Raspberry Pi 4B", "Pi4"}, {{Outcome{}, utc(apr(23), 14h, 30min, 25s)}}},
      {{102, "Raspberry Pi 3B+", "Pi3"},
       {{Outcome{}, utc(apr(22), 9h, 15min, 10s)},
        {kFailures[0], utc(apr(23), 14h, 31min, 2s)}}},
      {{103, "Raspberry Pi Zero 2 W", "PiZero"}, {}},
      {{104, "Raspberry Pi 5", "Pi5"}, {}},
      {{105, "Raspberry Pi 400", "Pi400"}, {{kFailures[3], utc(apr(23), 14h, 32min, 40s)}}},
  };
}

std::vector<Device> Sync::list_devices() { return repository_.list_devices(); }

SyncResult Sync::sync(std::int64_t device_id, std::optional<std::int64_t> actor_user_id) {
  SyncResult result;
  repository_.transact([&](Transaction& tx) {
    const auto device = tx.lock_device(device_id);
    if (!device) throw DomainError(ErrorCode::kNotFound, device_not_found(device_id));
    result = record(tx, *device, outcomes_.next(), clock_.now(), actor_user_id);
  });
  return result;
}

std::vector<Attempt> Sync::attempts(std::int64_t device_id, int limit) {
  if (limit == 0) limit = kDefaultLimit;
  if (limit < 1 || limit > kMaxLimit) {
    throw DomainError(ErrorCode::kInvalidArgument, "limit must be 1..1000");
  }
  if (!repository_.get_device(device_id)) {
    throw DomainError(ErrorCode::kNotFound, device_not_found(device_id));
  }
  return repository_.attempts(device_id, limit);
}

int Sync::ensure_demo_devices() {
  int created = 0;
  for (const auto& demo : demo_devices()) {
    bool inserted = false;  // set by the run that commits (a deadlock reruns the work)
    repository_.transact([&](Transaction& tx) {
      inserted = false;
      if (tx.lock_device(demo.device.id)) return;
      tx.insert_device(demo.device);
      auto device = Device::fresh(demo.device.id, demo.device.name, demo.device.type);
      for (const auto& past : demo.history) {
        device = record(tx, device, past.outcome, past.at, std::nullopt).device;
      }
      inserted = true;
    });
    if (inserted) ++created;
  }
  return created;
}

}  // namespace fleet::sync
