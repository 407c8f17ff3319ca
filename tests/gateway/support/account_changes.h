#pragma once
// WatchAccounts messages as the user service sends them (header only: the unit tests of the
// account model use them without the harness).
#include <cstdint>

#include "user/v1/user.pb.h"

namespace fleet::gateway::testing {

namespace changepb = ::fleetgate::user::v1;

// KIND_SNAPSHOT or KIND_CHANGED: the whole account at `version`.
inline changepb::AccountChange account_change(changepb::AccountChange::Kind kind,
                                              changepb::Account account, std::int64_t version) {
  changepb::AccountChange change;
  change.set_kind(kind);
  account.set_version(version);
  *change.mutable_account() = std::move(account);
  return change;
}

inline changepb::AccountChange accounts_ready() {
  changepb::AccountChange change;
  change.set_kind(changepb::AccountChange::KIND_READY);
  return change;
}

inline changepb::AccountChange account_deleted(std::int64_t id, std::int64_t version) {
  changepb::Account gone;
  gone.set_id(id);
  return account_change(changepb::AccountChange::KIND_DELETED, gone, version);
}

}  // namespace fleet::gateway::testing
