#pragma once
// The domain's accounts <-> fleetgate.user.v1 messages (the user service's API, which the auth
// API shares). Lossless both ways for what the user service sends.
#include "domain/account.h"
#include "user/v1/user.pb.h"

namespace fleet::auth {

Account account_of(const fleetgate::user::v1::Account& in);
void to_proto(const Account& account, fleetgate::user::v1::Account* out);
NewAccount new_account_of(const fleetgate::user::v1::NewAccount& in);
void to_proto(const NewAccount& account, fleetgate::user::v1::NewAccount* out);

}  // namespace fleet::auth
