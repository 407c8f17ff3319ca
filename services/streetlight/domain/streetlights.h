#pragma once
// The streetlight rules: reading lights by city, summaries counted from the lights themselves
// (never stale), manual control (sets the status, marks the light manual, logs the caller) and
// status reports (on, off or error with optional details, logged). Throws fleet::DomainError
// with the client-safe texts of domain/errors.h.
#include <vector>

#include "domain/repository.h"

namespace fleet::streetlight {

inline constexpr int kDefaultLogLimit = 10;
inline constexpr int kMaxLogLimit = 100;
inline constexpr std::size_t kMaxErrorDetails = 500;  // characters

// The local run's demo lights: SL001-SL005 in Delhi (off, on, error, off, on) and SL101-SL103 in
// Mumbai.
std::vector<NewLight> demo_lights();

class Streetlights {
 public:
  Streetlights(Repository& repository, const Clock& clock)
      : repository_(repository), clock_(clock) {}

  // Every light when city is empty.
  std::vector<Light> list_lights(const std::string& city);
  // log_limit 0 means kDefaultLogLimit; capped at kMaxLogLimit.
  LightDetail get_light(const std::string& light_id, int log_limit = 0);
  CitySummary city_summary(const std::string& city);

  // Inside a transaction the caller owns (so that it can store an idempotent response in the
  // same one).
  Light control(Transaction& tx, const ControlCommand& command);
  Light report_status(Transaction& tx, const StatusReport& report);
  // The same in a transaction of their own.
  Light control(const ControlCommand& command);
  Light report_status(const StatusReport& report);

  void ensure_demo_lights();

 private:
  // The light, locked; NOT_FOUND when there is none.
  static Light lock(Transaction& tx, const std::string& light_id);
  // Writes the change and its log; returns the light as changed.
  static Light change(Transaction& tx, Light light, const std::string& action,
                      const StatusChange& change, ControlType type,
                      const std::string& performed_by);

  Repository& repository_;
  const Clock& clock_;
};

}  // namespace fleet::streetlight
