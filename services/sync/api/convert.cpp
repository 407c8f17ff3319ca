#include "api/convert.h"

#include "fleet/rpc/convert.h"

namespace fleet::sync {

void to_proto(const Device& device, v1::Device* out) {
  out->set_device_id(device.id);
  out->set_name(device.name);
  out->set_type(device.type);
  if (device.last_sync_at) rpc::set_timestamp(out->mutable_last_sync_at(), *device.last_sync_at);
  rpc::set_optional(device.sync_status_code, [&](int code) { out->set_sync_status_code(code); });
  rpc::set_optional(device.error_message,
                    [&](const std::string& text) { out->set_error_message(text); });
  if (device.last_attempt_at) {
    rpc::set_timestamp(out->mutable_last_attempt_at(), *device.last_attempt_at);
  }
}

void to_proto(const Attempt& attempt, v1::Attempt* out) {
  out->set_id(attempt.id);
  out->set_device_id(attempt.device_id);
  out->set_status_code(attempt.status_code);
  rpc::set_optional(attempt.error_message,
                    [&](const std::string& text) { out->set_error_message(text); });
  rpc::set_timestamp(out->mutable_attempted_at(), attempt.attempted_at);
  rpc::set_optional(attempt.actor_user_id, [&](std::int64_t id) { out->set_actor_user_id(id); });
}

}  // namespace fleet::sync
