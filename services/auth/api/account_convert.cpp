#include "api/account_convert.h"

#include "fleet/rpc/convert.h"

namespace fleet::auth {
namespace {

namespace pb = fleetgate::user::v1;
using rpc::optional_field;

std::optional<std::chrono::system_clock::time_point> time_of(
    bool present, const google::protobuf::Timestamp& ts) {
  if (!present) return std::nullopt;
  return rpc::from_timestamp(ts);
}

// The fields a NewAccount and an Account share, in both directions.
template <class Domain, class Proto>
void read_profile(const Proto& in, Domain& out) {
  out.username = optional_field(in.has_username(), in.username());
  out.email = optional_field(in.has_email(), in.email());
  out.phone = optional_field(in.has_phone(), in.phone());
  out.full_name = optional_field(in.has_full_name(), in.full_name());
  out.city = optional_field(in.has_city(), in.city());
  out.profile_picture = optional_field(in.has_profile_picture(), in.profile_picture());
  out.role = static_cast<Role>(static_cast<int>(in.role()));
}

template <class Domain, class Proto>
void write_profile(const Domain& in, Proto* out) {
  if (in.username) out->set_username(*in.username);
  if (in.email) out->set_email(*in.email);
  if (in.phone) out->set_phone(*in.phone);
  if (in.full_name) out->set_full_name(*in.full_name);
  if (in.city) out->set_city(*in.city);
  if (in.profile_picture) out->set_profile_picture(*in.profile_picture);
  out->set_role(static_cast<pb::Role>(static_cast<int>(in.role)));
}

}  // namespace

Account account_of(const pb::Account& in) {
  Account out;
  out.id = in.id();
  read_profile(in, out);
  out.is_active = in.is_active();
  out.created_at = time_of(in.has_created_at(), in.created_at());
  out.updated_at = time_of(in.has_updated_at(), in.updated_at());
  return out;
}

void to_proto(const Account& in, pb::Account* out) {
  out->set_id(in.id);
  write_profile(in, out);
  out->set_is_active(in.is_active);
  if (in.created_at) rpc::set_timestamp(out->mutable_created_at(), *in.created_at);
  if (in.updated_at) rpc::set_timestamp(out->mutable_updated_at(), *in.updated_at);
}

NewAccount new_account_of(const pb::NewAccount& in) {
  NewAccount out;
  read_profile(in, out);
  return out;
}

void to_proto(const NewAccount& in, pb::NewAccount* out) { write_profile(in, out); }

}  // namespace fleet::auth
