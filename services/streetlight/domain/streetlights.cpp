#include "domain/streetlights.h"

#include <algorithm>

#include "domain/errors.h"

namespace fleet::streetlight {
namespace {

// Characters of UTF-8 text (bytes that do not continue a sequence).
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void require_light_id(const std::string& light_id) {
  if (light_id.empty()) fail(ErrorCode::kInvalidArgument, text::kLightIdMissing);
}

}  // namespace

std::string_view to_string(LightStatus status) {
  switch (status) {
    case LightStatus::kOn:
      return "on";
    case LightStatus::kOff:
      return "off";
    case LightStatus::kError:
      return "error";
  }
  return "off";
}

std::optional<LightStatus> parse_status(std::string_view text) {
  if (text == "on") return LightStatus::kOn;
  if (text == "off") return LightStatus::kOff;
  if (text == "error") return LightStatus::kError;
  return std::nullopt;
}

std::string_view to_string(ControlType type) {
  return type == ControlType::kManual ? "manual" : "automatic";
}

std::vector<NewLight> demo_lights() {
  const auto off = LightStatus::kOff;
  const auto on = LightStatus::kOn;
  return {
      {"SL001", "Light 1 - Main Road", "Delhi", 28.6139, 77.2090, "Main Road, Delhi", off, {}},
      {"SL002", "Light 2 - Connaught Place", "Delhi", 28.6315, 77.2167,
       "Connaught Place, Delhi", on, {}},
      {"SL003", "Light 3 - India Gate", "Delhi", 28.6129, 77.2295, "Rajpath, India Gate, Delhi",
       LightStatus::kError, std::string("Bulb failed")},
      {"SL004", "Light 4 - Karol Bagh", "Delhi", 28.6519, 77.1909, "Karol Bagh, Delhi", off, {}},
      {"SL005", "Light 5 - Lajpat Nagar", "Delhi", 28.5677, 77.2433, "Lajpat Nagar, Delhi", on,
       {}},
      {"SL101", "Light 101 - Marine Drive", "Mumbai", 18.9440, 72.8230, "Marine Drive, Mumbai",
       on, {}},
      {"SL102", "Light 102 - Bandra", "Mumbai", 19.0596, 72.8295, "Linking Road, Bandra, Mumbai",
       off, {}},
      {"SL103", "Light 103 - Andheri", "Mumbai", 19.1136, 72.8697, "Andheri East, Mumbai", off,
       {}},
  };
}

std::vector<Light> Streetlights::list_lights(const std::string& city) {
  return repository_.list_lights(city);
}

LightDetail Streetlights::get_light(const std::string& light_id, int log_limit) {
  require_light_id(light_id);
  auto light = repository_.get_light(light_id);
  if (!light) fail(ErrorCode::kNotFound, text::kLightNotFound);
  if (log_limit <= 0) log_limit = kDefaultLogLimit;
  log_limit = std::min(log_limit, kMaxLogLimit);
  auto logs = repository_.recent_logs(light->id, log_limit);
  return {std::move(*light), std::move(logs)};
}

CitySummary Streetlights::city_summary(const std::string& city) {
  if (city.empty()) fail(ErrorCode::kInvalidArgument, text::kCityMissing);
  auto summary = repository_.city_summary(city);
  if (!summary) fail(ErrorCode::kNotFound, text::kNoDataForCity);
  return std::move(*summary);
}

Light Streetlights::lock(Transaction& tx, const std::string& light_id) {
  auto light = tx.lock_light(light_id);
  if (!light) fail(ErrorCode::kNotFound, text::kLightNotFound);
  return std::move(*light);
}

Light Streetlights::change(Transaction& tx, Light light, const std::string& action,
                           const StatusChange& change, ControlType type,
                           const std::string& performed_by) {
  tx.set_status(light.id, change);
  ControlLog log{.id = 0,
                 .light_id = light.light_id,
                 .action = action,
                 .performed_by = performed_by,
                 .control_type = type,
                 .previous_status = light.status,
                 .new_status = change.status,
                 .created_at = change.at};
  tx.add_log(light.id, log);
  light.status = change.status;
  light.is_automatic = change.is_automatic;
  light.error_details = change.error_details;
  light.last_status_change = change.at;
  return light;
}

Light Streetlights::control(Transaction& tx, const ControlCommand& command) {
  require_light_id(command.light_id);
  const auto status = parse_status(command.action);
  if (!status || *status == LightStatus::kError) {
    fail(ErrorCode::kInvalidArgument, text::kInvalidAction);
  }
  return change(tx, lock(tx, command.light_id), command.action,
                {*status, false, std::nullopt, clock_.now()}, ControlType::kManual,
                command.performed_by);
}

Light Streetlights::report_status(Transaction& tx, const StatusReport& report) {
  require_light_id(report.light_id);
  const auto status = parse_status(report.status);
  if (!status) fail(ErrorCode::kInvalidArgument, text::kInvalidStatus);
  if (report.error_details && characters(*report.error_details) > kMaxErrorDetails) {
    fail(ErrorCode::kInvalidArgument, text::kErrorDetailsTooLong);
  }
  // Details describe an error; a light that is on or off has none. is_automatic stays: a report
  // says what the light is doing, not who decides.
  std::optional<std::string> details;
  if (*status == LightStatus::kError) details = report.error_details;
  Light light = lock(tx, report.light_id);
  const bool is_automatic = light.is_automatic;
  return change(tx, std::move(light), report.status,
                {*status, is_automatic, std::move(details), clock_.now()},
                ControlType::kAutomatic, report.performed_by);
}

Light Streetlights::control(const ControlCommand& command) {
  Light result;
  repository_.transact([&](Transaction& tx) { result = control(tx, command); });
  return result;
}

Light Streetlights::report_status(const StatusReport& report) {
  Light result;
  repository_.transact([&](Transaction& tx) { result = report_status(tx, report); });
  return result;
}

void Streetlights::ensure_demo_lights() { repository_.ensure_lights(demo_lights(), clock_.now()); }

}  // namespace fleet::streetlight
