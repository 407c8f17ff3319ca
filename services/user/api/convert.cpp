#include "api/convert.h"

#include "fleet/common/error.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/profile.h"

namespace fleet::user {

std::optional<Role> role_of(v1::Role role) {
  switch (role) {
    case v1::ROLE_UNSPECIFIED:
      return std::nullopt;
    case v1::ROLE_USER:
      return Role::kUser;
    case v1::ROLE_OPERATOR:
      return Role::kOperator;
    case v1::ROLE_ADMIN:
      return Role::kAdmin;
    default:
      throw DomainError(ErrorCode::kInvalidArgument, "Unknown role");
  }
}

v1::Role proto_role(Role role) {
  switch (role) {
    case Role::kOperator:
      return v1::ROLE_OPERATOR;
    case Role::kAdmin:
      return v1::ROLE_ADMIN;
    case Role::kUser:
      break;
  }
  return v1::ROLE_USER;
}

void to_proto(const Account& a, v1::Account* out) {
  out->set_id(a.id);
  rpc::write_profile(a, out);
  out->set_role(proto_role(a.role));
  out->set_is_active(a.is_active);
  rpc::set_timestamp(out->mutable_created_at(), a.created_at);
  rpc::set_timestamp(out->mutable_updated_at(), a.updated_at);
  out->set_version(a.version);
}

std::optional<Account> account_from_proto(const v1::Account& in) {
  Account out;
  out.id = in.id();
  rpc::read_profile(in, out);
  switch (in.role()) {
    case v1::ROLE_USER:
      out.role = Role::kUser;
      break;
    case v1::ROLE_OPERATOR:
      out.role = Role::kOperator;
      break;
    case v1::ROLE_ADMIN:
      out.role = Role::kAdmin;
      break;
    default:
      return std::nullopt;
  }
  out.is_active = in.is_active();
  out.created_at = rpc::from_timestamp(in.created_at());
  out.updated_at = rpc::from_timestamp(in.updated_at());
  out.version = in.version();
  return out;
}

void to_proto(const AccountChange& change, v1::AccountChange* out) {
  out->Clear();
  switch (change.kind) {
    case AccountChange::Kind::kSnapshot:
      out->set_kind(v1::AccountChange::KIND_SNAPSHOT);
      to_proto(change.account, out->mutable_account());
      break;
    case AccountChange::Kind::kReady:
      out->set_kind(v1::AccountChange::KIND_READY);
      break;
    case AccountChange::Kind::kChanged:
      out->set_kind(v1::AccountChange::KIND_CHANGED);
      to_proto(change.account, out->mutable_account());
      break;
    case AccountChange::Kind::kDeleted:
      out->set_kind(v1::AccountChange::KIND_DELETED);
      out->mutable_account()->set_id(change.account.id);
      out->mutable_account()->set_version(change.account.version);
      break;
  }
}

}  // namespace fleet::user
