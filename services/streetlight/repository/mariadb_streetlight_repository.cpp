#include "repository/mariadb_streetlight_repository.h"

#include <cstdio>
#include <cstdlib>

#include "fleet/db/nullable.h"

namespace fleet::streetlight {
namespace {

constexpr std::string_view kSelectLight =
    "SELECT l.id, l.light_id, l.name, c.name, l.latitude, l.longitude, l.address, l.status,"
    " l.is_automatic, l.brightness, l.last_status_change, l.error_details"
    " FROM lights l JOIN cities c ON c.id = l.city_id ";

LightStatus status_of(const std::string& text) {
  auto status = parse_status(text);
  if (!status) throw db::Error(0, "unknown light status in the database: " + text);
  return *status;
}

double decimal_of(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

// Six decimals, as the DECIMAL(9,6) columns keep.
std::string decimal_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  return buffer;
}

Light light_of(const db::Row& row) {
  Light l;
  l.id = row.i64(0);
  l.light_id = row.str(1);
  l.name = row.str(2);
  l.city = row.str(3);
  l.latitude = decimal_of(row.str(4));
  l.longitude = decimal_of(row.str(5));
  l.address = row.str(6);
  l.status = status_of(row.str(7));
  l.is_automatic = row.boolean(8);
  l.brightness = static_cast<int>(row.i64(9));
  l.last_status_change = db::parse_datetime(row.str(10));
  l.error_details = row.opt(11);
  return l;
}

std::vector<Light> lights_of(const std::vector<db::Row>& rows) {
  std::vector<Light> lights;
  lights.reserve(rows.size());
  for (const auto& row : rows) lights.push_back(light_of(row));
  return lights;
}

}  // namespace

// --- transaction --------------------------------------------------------------------------

std::optional<Light> MariadbTransaction::lock_light(const std::string& light_id) {
  auto row = conn_.query_one(std::string(kSelectLight) + "WHERE l.light_id = ? FOR UPDATE",
                             {light_id});
  if (!row) return std::nullopt;
  return light_of(*row);
}

void MariadbTransaction::set_status(std::int64_t id, const StatusChange& change) {
  conn_.execute(
      "UPDATE lights SET status = ?, is_automatic = ?, error_details = ?, last_status_change = ?"
      " WHERE id = ?",
      {std::string(to_string(change.status)), std::int64_t{change.is_automatic ? 1 : 0},
       db::nullable(change.error_details), db::format_datetime(change.at), id});
}

std::int64_t MariadbTransaction::add_log(std::int64_t light_row_id, const ControlLog& log) {
  conn_.execute(
      "INSERT INTO control_logs (light_id, action, performed_by, control_type, previous_status,"
      " new_status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {light_row_id, log.action, log.performed_by, std::string(to_string(log.control_type)),
       std::string(to_string(log.previous_status)), std::string(to_string(log.new_status)),
       db::format_datetime(log.created_at)});
  return static_cast<std::int64_t>(conn_.last_insert_id());
}

// --- repository ---------------------------------------------------------------------------

std::unique_ptr<Transaction> MariadbStreetlightRepository::transaction_on(db::Connection& conn) {
  return std::make_unique<MariadbTransaction>(conn);
}

void MariadbStreetlightRepository::transact(const std::function<void(Transaction&)>& work) {
  pool_.transact([&](db::Connection& conn) {
    MariadbTransaction tx(conn);
    work(tx);
  });
}

std::vector<Light> MariadbStreetlightRepository::list_lights(const std::string& city) {
  auto conn = pool_.acquire();
  if (city.empty()) return lights_of(conn->query(std::string(kSelectLight) + "ORDER BY l.id"));
  return lights_of(
      conn->query(std::string(kSelectLight) + "WHERE c.name = ? ORDER BY l.id", {city}));
}

std::optional<Light> MariadbStreetlightRepository::get_light(const std::string& light_id) {
  auto row =
      pool_.acquire()->query_one(std::string(kSelectLight) + "WHERE l.light_id = ?", {light_id});
  if (!row) return std::nullopt;
  return light_of(*row);
}

std::vector<ControlLog> MariadbStreetlightRepository::recent_logs(std::int64_t light_row_id,
                                                                  int limit) {
  std::vector<ControlLog> logs;
  for (const auto& row : pool_.acquire()->query(
           "SELECT g.id, l.light_id, g.action, g.performed_by, g.control_type,"
           " g.previous_status, g.new_status, g.created_at"
           " FROM control_logs g JOIN lights l ON l.id = g.light_id"
           " WHERE g.light_id = ? ORDER BY g.id DESC LIMIT ?",
           {light_row_id, std::int64_t{limit}})) {
    logs.push_back({.id = row.i64(0),
                    .light_id = row.str(1),
                    .action = row.str(2),
                    .performed_by = row.str(3),
                    .control_type = row.str(4) == "manual" ? ControlType::kManual
                                                           : ControlType::kAutomatic,
                    .previous_status = status_of(row.str(5)),
                    .new_status = status_of(row.str(6)),
                    .created_at = db::parse_datetime(row.str(7))});
  }
  return logs;
}

std::optional<CitySummary> MariadbStreetlightRepository::city_summary(const std::string& city) {
  // Counted now, from the lights: nothing to keep in step.
  auto row = pool_.acquire()->query_one(
      "SELECT c.id, c.name, COUNT(*), SUM(l.status = 'on'), SUM(l.status = 'off'),"
      " SUM(l.status = 'error'), MAX(l.last_status_change)"
      " FROM cities c JOIN lights l ON l.city_id = c.id WHERE c.name = ? GROUP BY c.id, c.name",
      {city});
  if (!row) return std::nullopt;
  return CitySummary{.id = row->i64(0),
                     .city = row->str(1),
                     .total_lights = row->i64(2),
                     .lights_on = row->i64(3),
                     .lights_off = row->i64(4),
                     .lights_in_error = row->i64(5),
                     .last_updated = db::parse_datetime(row->str(6))};
}

void MariadbStreetlightRepository::ensure_lights(const std::vector<NewLight>& lights,
                                                 TimePoint now) {
  pool_.transact([&](db::Connection& conn) {
    for (const auto& l : lights) {
      // Only when missing, so that a city's id takes no gaps from repeated seeding.
      conn.execute(
          "INSERT INTO cities (name) SELECT ? FROM DUAL"
          " WHERE NOT EXISTS (SELECT 1 FROM cities WHERE name = ?)"
          " ON DUPLICATE KEY UPDATE id = id",
          {l.city, l.city});
      conn.execute(
          "INSERT INTO lights (light_id, name, city_id, latitude, longitude, address, status,"
          " is_automatic, brightness, last_status_change, error_details)"
          " SELECT ?, ?, c.id, ?, ?, ?, ?, 1, 100, ?, ? FROM cities c WHERE c.name = ?"
          " ON DUPLICATE KEY UPDATE light_id = light_id",
          {l.light_id, l.name, decimal_text(l.latitude), decimal_text(l.longitude), l.address,
           std::string(to_string(l.status)), db::format_datetime(now),
           db::nullable(l.error_details), l.city});
    }
  });
}

}  // namespace fleet::streetlight
