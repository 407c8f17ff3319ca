#pragma once
// Storage of lights, cities and the control log. Implementations: MariadbStreetlightRepository,
// and an in-memory fake in tests. Status changes happen only inside a Transaction, which locks
// the light it reads.
#include <functional>
#include <optional>
#include <vector>

#include "domain/model.h"

namespace fleet::streetlight {

// One database transaction.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // The light by its public id, locked until commit.
  virtual std::optional<Light> lock_light(const std::string& light_id) = 0;
  virtual void set_status(std::int64_t id, const StatusChange& change) = 0;
  // Returns the new log's id. `log.light_id` is the public id.
  virtual std::int64_t add_log(std::int64_t light_row_id, const ControlLog& log) = 0;
};

class Repository {
 public:
  virtual ~Repository() = default;

  // Runs work in one transaction: commits when it returns, rolls back when it throws. It may
  // run again after a deadlock.
  virtual void transact(const std::function<void(Transaction&)>& work) = 0;

  // The lights of `city` (case-insensitive), or every light when it is empty; ordered by id.
  virtual std::vector<Light> list_lights(const std::string& city) = 0;
  virtual std::optional<Light> get_light(const std::string& light_id) = 0;
  // The light's latest `limit` logs, newest first.
  virtual std::vector<ControlLog> recent_logs(std::int64_t light_row_id, int limit) = 0;
  // Counted from the lights now; nullopt when the city has no lights.
  virtual std::optional<CitySummary> city_summary(const std::string& city) = 0;
  // Inserts each light whose light_id is free (and its city); existing rows are left alone.
  virtual void ensure_lights(const std::vector<NewLight>& lights, TimePoint now) = 0;
};

}  // namespace fleet::streetlight
