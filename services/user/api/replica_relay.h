#pragma once
// The account hub's link to the service's other replicas: what this replica commits goes out on
// the bus as an AccountChange (the WatchAccounts message), and what the others commit is
// applied to this hub, so the gateways' account caches hear every replica's changes.
// fleet/bus/replication.h holds the rules for gaps; this file only translates.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "domain/account_hub.h"
#include "fleet/bus/replication.h"

namespace fleet::user {

std::string encode_replica_change(const AccountChange& change);
// nullopt for a payload that is not a change or deletion of one account.
std::optional<AccountChange> decode_replica_change(std::string_view payload);

class ReplicaRelay final : public AccountOutbox {
 public:
  static constexpr const char* kSubject = "fleetgate.user.changes";

  // Joins `hub` to the other replicas when `settings` name a bus; with none, does nothing.
  // `on_complete_changed` hears when the hub starts or stops getting every replica's changes.
  ReplicaRelay(AccountHub& hub, const bus::Settings& settings,
               std::function<void(bool complete)> on_complete_changed);
  ~ReplicaRelay() override;

  void committed(const AccountChange& change) override;

 private:
  void apply(std::string_view payload);

  AccountHub& hub_;
  std::unique_ptr<bus::Replication> replication_;  // null without a bus
};

}  // namespace fleet::user
