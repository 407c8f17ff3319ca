#pragma once
// An account's profile fields (fleet::Profile) to and from any proto message with the same
// proto3 `optional string` fields (user.v1 Account, NewAccount, UpdateUserRequest).
#include "fleet/common/profile.h"
#include "fleet/rpc/convert.h"

namespace fleet::rpc {

template <class Proto>
void read_profile(const Proto& in, Profile& out) {
  out.username = optional_field(in.has_username(), in.username());
  out.email = optional_field(in.has_email(), in.email());
  out.phone = optional_field(in.has_phone(), in.phone());
  out.full_name = optional_field(in.has_full_name(), in.full_name());
  out.city = optional_field(in.has_city(), in.city());
  out.profile_picture = optional_field(in.has_profile_picture(), in.profile_picture());
}

template <class Proto>
void write_profile(const Profile& in, Proto* out) {
  if (in.username) out->set_username(*in.username);
  if (in.email) out->set_email(*in.email);
  if (in.phone) out->set_phone(*in.phone);
  if (in.full_name) out->set_full_name(*in.full_name);
  if (in.city) out->set_city(*in.city);
  if (in.profile_picture) out->set_profile_picture(*in.profile_picture);
}

}  // namespace fleet::rpc
