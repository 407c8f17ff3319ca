#include "api/convert.h"

#include "fleet/rpc/convert.h"

namespace fleet::streetlight {

void to_proto(const Light& l, v1::Light* out) {
  out->set_id(l.id);
  out->set_light_id(l.light_id);
  out->set_name(l.name);
  out->set_city(l.city);
  out->set_latitude(l.latitude);
  out->set_longitude(l.longitude);
  out->set_address(l.address);
  out->set_status(std::string(to_string(l.status)));
  out->set_is_automatic(l.is_automatic);
  out->set_brightness(l.brightness);
  rpc::set_timestamp(out->mutable_last_status_change(), l.last_status_change);
  rpc::set_optional(l.error_details, [&](const auto& v) { out->set_error_details(v); });
}

void to_proto(const ControlLog& g, v1::ControlLog* out) {
  out->set_id(g.id);
  out->set_light_id(g.light_id);
  out->set_action(g.action);
  out->set_performed_by(g.performed_by);
  out->set_control_type(std::string(to_string(g.control_type)));
  out->set_previous_status(std::string(to_string(g.previous_status)));
  out->set_new_status(std::string(to_string(g.new_status)));
  rpc::set_timestamp(out->mutable_created_at(), g.created_at);
}

void to_proto(const CitySummary& s, v1::CitySummary* out) {
  out->set_id(s.id);
  out->set_city(s.city);
  out->set_total_lights(s.total_lights);
  out->set_lights_on(s.lights_on);
  out->set_lights_off(s.lights_off);
  out->set_lights_in_error(s.lights_in_error);
  rpc::set_timestamp(out->mutable_last_updated(), s.last_updated);
}

void to_map_point(const Light& l, v1::MapPoint* out) {
  out->set_light_id(l.light_id);
  out->set_name(l.name);
  out->set_latitude(l.latitude);
  out->set_longitude(l.longitude);
  out->set_status(std::string(to_string(l.status)));
}

}  // namespace fleet::streetlight
