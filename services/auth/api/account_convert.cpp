#include "api/account_convert.h"

#include "fleet/rpc/convert.h"
#include "fleet/rpc/profile.h"

namespace fleet::auth {
namespace {

namespace pb = fleetgate::user::v1;

std::optional<std::chrono::system_clock::time_point> time_of(
    bool present, const google::protobuf::Timestamp& ts) {
  if (!present) return std::nullopt;
  return rpc::from_timestamp(ts);
}

Role role_of(pb::Role role) { return static_cast<Role>(static_cast<int>(role)); }
pb::Role proto_role(Role role) { return static_cast<pb::Role>(static_cast<int>(role)); }

}  // namespace

Account account_of(const pb::Account& in) {
  Account out;
  out.id = in.id();
  rpc::read_profile(in, out);
  out.role = role_of(in.role());
  out.is_active = in.is_active();
  out.created_at = time_of(in.has_created_at(), in.created_at());
  out.updated_at = time_of(in.has_updated_at(), in.updated_at());
  return out;
}

void to_proto(const Account& in, pb::Account* out) {
  out->set_id(in.id);
  rpc::write_profile(in, out);
  out->set_role(proto_role(in.role));
  out->set_is_active(in.is_active);
  if (in.created_at) rpc::set_timestamp(out->mutable_created_at(), *in.created_at);
  if (in.updated_at) rpc::set_timestamp(out->mutable_updated_at(), *in.updated_at);
}

NewAccount new_account_of(const pb::NewAccount& in) {
  NewAccount out;
  rpc::read_profile(in, out);
  out.role = role_of(in.role());
  return out;
}

void to_proto(const NewAccount& in, pb::NewAccount* out) {
  rpc::write_profile(in, out);
  out->set_role(proto_role(in.role));
}

}  // namespace fleet::auth
