#pragma once
// An in-memory Repository for the domain's unit tests. transact() works on a copy and keeps it
// only when the work returns, so a refused change leaves nothing behind, as a rollback would.
#include <algorithm>
#include <cctype>
#include <map>

#include "domain/repository.h"

namespace fleet::streetlight::testing {

inline std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

struct State {
  std::map<std::int64_t, Light> lights;  // by row id
  std::vector<std::pair<std::int64_t, ControlLog>> logs;  // (light row id, log)
  std::map<std::string, std::int64_t> cities;  // lower-case name -> id
  std::int64_t next_light = 1;
  std::int64_t next_log = 1;
};

class FakeTransaction final : public Transaction {
 public:
  explicit FakeTransaction(State& state) : s_(state) {}
  std::optional<Light> lock_light(const std::string& light_id) override {
    for (const auto& [id, light] : s_.lights) {
      if (lower(light.light_id) == lower(light_id)) return light;
    }
    return std::nullopt;
  }
  void set_status(std::int64_t id, const StatusChange& change) override {
    auto& light = s_.lights.at(id);
    light.status = change.status;
    light.is_automatic = change.is_automatic;
    light.error_details = change.error_details;
    light.last_status_change = change.at;
  }
  std::int64_t add_log(std::int64_t light_row_id, const ControlLog& log) override {
    ControlLog copy = log;
    copy.id = s_.next_log++;
    s_.logs.emplace_back(light_row_id, copy);
    return copy.id;
  }

 private:
  State& s_;
};

class FakeRepository final : public Repository {
 public:
  State state;
  int transactions = 0;

  void transact(const std::function<void(Transaction&)>& work) override {
    State copy = state;
    FakeTransaction tx(copy);
    work(tx);
    state = std::move(copy);
    ++transactions;
  }
  std::vector<Light> list_lights(const std::string& city) override {
    std::vector<Light> out;
    for (const auto& [id, light] : state.lights) {
      if (city.empty() || lower(light.city) == lower(city)) out.push_back(light);
    }
    return out;
  }
  std::optional<Light> get_light(const std::string& light_id) override {
    FakeTransaction tx(state);
    return tx.lock_light(light_id);
  }
  std::vector<ControlLog> recent_logs(std::int64_t light_row_id, int limit) override {
    std::vector<ControlLog> out;
    for (auto it = state.logs.rbegin(); it != state.logs.rend(); ++it) {
      if (it->first != light_row_id) continue;
      if (static_cast<int>(out.size()) >= limit) break;
      out.push_back(it->second);
    }
    return out;
  }
  std::optional<CitySummary> city_summary(const std::string& city) override {
    auto found = state.cities.find(lower(city));
    if (found == state.cities.end()) return std::nullopt;
    CitySummary s;
    s.id = found->second;
    for (const auto& [id, light] : state.lights) {
      if (lower(light.city) != lower(city)) continue;
      s.city = light.city;
      ++s.total_lights;
      if (light.status == LightStatus::kOn) ++s.lights_on;
      if (light.status == LightStatus::kOff) ++s.lights_off;
      if (light.status == LightStatus::kError) ++s.lights_in_error;
      s.last_updated = std::max(s.last_updated, light.last_status_change);
    }
    if (s.total_lights == 0) return std::nullopt;
    return s;
  }
  void ensure_lights(const std::vector<NewLight>& lights, TimePoint now) override {
    for (const auto& n : lights) {
      const auto key = lower(n.city);
      if (!state.cities.contains(key)) {
        const auto id = static_cast<std::int64_t>(state.cities.size()) + 1;
        state.cities[key] = id;
      }
      if (get_light(n.light_id)) continue;
      Light l;
      l.id = state.next_light++;
      l.light_id = n.light_id;
      l.name = n.name;
      l.city = n.city;
      l.latitude = n.latitude;
      l.longitude = n.longitude;
      l.address = n.address;
      l.status = n.status;
      l.error_details = n.error_details;
      l.last_status_change = now;
      state.lights[l.id] = l;
    }
  }
};

}  // namespace fleet::streetlight::testing
