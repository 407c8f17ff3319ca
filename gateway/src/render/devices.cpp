#include "render/devices.h"

#include "render/accounts.h"
#include "render/time.h"

namespace fleet::gateway::render {

void write_device(JsonWriter& out, const dspb::Device& d) {
  out.begin_object();
  out.key("id").integer(d.id());
  out.key("name").string(d.name());
  out.key("type").string(d.type());
  out.key("hourly_cost").decimal(d.hourly_cost());
  out.key("user_id");
  if (d.running() && d.has_user_id()) {
    out.integer(d.user_id());
  } else {
    out.null();
  }
  out.key("end_time");
  if (d.running() && d.has_end_time()) {
    out.string(format_time(d.end_time().seconds(), d.end_time().nanos(), TimeStyle::kSecondsZ));
  } else {
    out.null();
  }
  out.key("time_left");
  if (d.running()) {
    out.floating(d.time_left());
  } else {
    out.null();
  }
  out.end_object();
}

std::string device_json(const dspb::Device& device) {
  JsonWriter out;
  write_device(out, device);
  return out.take();
}

std::string devices_json(const dspb::ListDevicesResponse& devices) {
  JsonWriter out;
  out.begin_array();
  for (const auto& device : devices.devices()) write_device(out, device);
  out.end_array();
  return out.take();
}

std::string stop_json(const dspb::StopDeviceResponse& stopped) {
  JsonWriter out;
  out.begin_object();
  out.key("message").string("Device stopped successfully");
  out.key("device");
  write_device(out, stopped.device());
  out.key("refund_amount").decimal(stopped.refund_amount());
  out.end_object();
  return out.take();
}

void write_rental_user(JsonWriter& out, const userpb::Account& a, std::string_view cash) {
  out.begin_object();
  out.key("uid").integer(a.id());
  out.key("name");
  if (a.has_username()) {
    out.string(a.username());
  } else {
    out.null();
  }
  out.key("cash").decimal(cash);
  out.key("creation_time")
      .string(format_time(a.created_at().seconds(), a.created_at().nanos(), TimeStyle::kSecondsZ));
  out.key("is_admin").boolean(is_admin(a.role()));
  out.end_object();
}

std::string rental_user_json(const userpb::Account& account, std::string_view cash) {
  JsonWriter out;
  write_rental_user(out, account, cash);
  return out.take();
}

}  // namespace fleet::gateway::render
