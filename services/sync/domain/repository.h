#pragma once
// Storage of devices and their attempt log. Implementations: MariadbSyncRepository, and an
// in-memory fake in tests. An attempt changes its device and is logged in one Transaction.
#include <functional>
#include <optional>
#include <vector>

#include "domain/model.h"

namespace fleet::sync {

// One database transaction. lock_device locks the device's row until commit.
class Transaction {
 public:
  virtual ~Transaction() = default;

  virtual std::optional<Device> lock_device(std::int64_t id) = 0;
  // Writes the device's sync fields (last_sync_at, sync_status_code, error_message,
  // last_attempt_at).
  virtual void save_sync_fields(const Device& device) = 0;
  // Logs the attempt; returns its new id.
  virtual std::int64_t add_attempt(const Attempt& attempt) = 0;
  // Inserts a device with no sync fields set (its id must be free).
  virtual void insert_device(const NewDevice& device) = 0;
};

class Repository {
 public:
  virtual ~Repository() = default;

  // Runs work in one transaction: commits when it returns, rolls back when it throws. It may
  // run again after a deadlock.
  virtual void transact(const std::function<void(Transaction&)>& work) = 0;

  // Ordered by id.
  virtual std::vector<Device> list_devices() = 0;
  virtual std::optional<Device> get_device(std::int64_t id) = 0;
  // The device's attempts, newest first, at most `limit`.
  virtual std::vector<Attempt> attempts(std::int64_t device_id, int limit) = 0;
};

}  // namespace fleet::sync
