#pragma once
// The streetlight service's values: lights, their control log, city summaries.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/common/clock.h"

namespace fleet::streetlight {

using TimePoint = Clock::time_point;

enum class LightStatus { kOn, kOff, kError };

std::string_view to_string(LightStatus status);
// "on", "off" or "error" (exactly, lower case); nullopt for anything else.
std::optional<LightStatus> parse_status(std::string_view text);

enum class ControlType { kManual, kAutomatic };
std::string_view to_string(ControlType type);

struct Light {
  std::int64_t id = 0;
  std::string light_id;  // public id, e.g. "SL001"
  std::string name;
  std::string city;
  double latitude = 0;
  double longitude = 0;
  std::string address;
  LightStatus status = LightStatus::kOff;
  bool is_automatic = true;
  int brightness = 100;
  TimePoint last_status_change{};
  std::optional<std::string> error_details;  // only while status is kError
};

// A light for the demo data (ensure_lights inserts those whose light_id is free).
struct NewLight {
  std::string light_id;
  std::string name;
  std::string city;
  double latitude = 0;
  double longitude = 0;
  std::string address;
  LightStatus status = LightStatus::kOff;
  std::optional<std::string> error_details;
};

struct ControlLog {
  std::int64_t id = 0;
  std::string light_id;
  std::string action;  // "on", "off" or "error"
  std::string performed_by;
  ControlType control_type = ControlType::kManual;
  LightStatus previous_status = LightStatus::kOff;
  LightStatus new_status = LightStatus::kOff;
  TimePoint created_at{};
};

// What a status change writes to the light.
struct StatusChange {
  LightStatus status;
  bool is_automatic;
  std::optional<std::string> error_details;
  TimePoint at;
};

struct CitySummary {
  std::int64_t id = 0;  // the city's id
  std::string city;
  std::int64_t total_lights = 0;
  std::int64_t lights_on = 0;
  std::int64_t lights_off = 0;
  std::int64_t lights_in_error = 0;
  TimePoint last_updated{};  // the latest status change among the city's lights
};

struct LightDetail {
  Light light;
  std::vector<ControlLog> recent_logs;  // newest first
};

// ControlLight: action "on" or "off", by the caller (email).
struct ControlCommand {
  std::string light_id;
  std::string action;
  std::string performed_by;
};

// UpdateLightStatus: status "on", "off" or "error" with optional details.
struct StatusReport {
  std::string light_id;
  std::string status;
  std::optional<std::string> error_details;
  std::string performed_by;
};

}  // namespace fleet::streetlight
