#pragma once
// The user service's domain types as protobuf, and back.
#include <optional>

#include "domain/account_hub.h"
#include "user/v1/user.pb.h"

namespace fleet::user {

namespace v1 = fleetgate::user::v1;

// ROLE_UNSPECIFIED is nullopt; an unknown value throws DomainError(kInvalidArgument).
std::optional<Role> role_of(v1::Role role);
v1::Role proto_role(Role role);
void to_proto(const Account& account, v1::Account* out);
// A whole account as to_proto wrote it; nullopt for an unknown or unset role.
std::optional<Account> account_from_proto(const v1::Account& in);
void to_proto(const AccountChange& change, v1::AccountChange* out);

}  // namespace fleet::user
