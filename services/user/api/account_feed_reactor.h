#pragma once
// One WatchAccounts stream: a ServerWriteReactor driven by the domain's AccountWatcher state
// machine (fleet/changes/stream_watcher.h). It owns itself until OnDone; the hub holds it weakly.
#include <memory>

#include "domain/account_hub.h"
#include "user/v1/user.grpc.pb.h"

namespace fleet::user {

class AccountFeedReactor final
    : public grpc::ServerWriteReactor<fleetgate::user::v1::AccountChange>,
      public AccountWatcher {
 public:
  // Creates the reactor and subscribes it to every change (held back until begin()).
  // False when the hub refused it (incomplete: it has already finished, UNAVAILABLE).
  bool subscribed() const { return ticket_ != 0; }
  static std::shared_ptr<AccountFeedReactor> open(AccountHub& hub, std::size_t capacity);

  void OnWriteDone(bool ok) override { write_done(ok); }
  void OnCancel() override { end(End::kCancelled); }
  void OnDone() override;

 private:
  AccountFeedReactor(AccountHub& hub, std::size_t capacity) : AccountWatcher(capacity), hub_(hub) {}
  void start_write(const AccountChange& change) override;
  void finish(End reason) override;

  AccountHub& hub_;
  AccountHub::Ticket ticket_ = 0;
  fleetgate::user::v1::AccountChange message_;  // the message being written; one at a time
  std::shared_ptr<AccountFeedReactor> self_;
};

}  // namespace fleet::user
