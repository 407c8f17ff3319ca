#pragma once
// rental's device bodies and UserResponse, written with JsonWriter so that money is the exact
// decimal the device-session service sent. Everything comes from the proto messages alone (no
// clock here), so a replayed response renders byte for byte like the first one.
#include <string>
#include <string_view>

#include "device_session/v1/device_session.pb.h"
#include "render/json_writer.h"
#include "user/v1/user.pb.h"

namespace fleet::gateway::render {

namespace dspb = ::fleetgate::device_session::v1;
namespace userpb = ::fleetgate::user::v1;

// DeviceResponse {"id","name","type","hourly_cost","user_id","end_time","time_left"}: user_id,
// end_time and time_left are null while the device is idle.
void write_device(JsonWriter& out, const dspb::Device& device);
std::string device_json(const dspb::Device& device);
std::string devices_json(const dspb::ListDevicesResponse& devices);
// {"message":"Device stopped successfully","device":DeviceResponse,"refund_amount":number}
std::string stop_json(const dspb::StopDeviceResponse& stopped);

// UserResponse {"uid","name","cash","creation_time","is_admin"}; cash is the wallet's decimal.
void write_rental_user(JsonWriter& out, const userpb::Account& account, std::string_view cash);
std::string rental_user_json(const userpb::Account& account, std::string_view cash);

}  // namespace fleet::gateway::render
