#pragma once
// The accounts in memory, fed by the user service's WatchAccounts change feed
// (readmodel/account_feed.h), so that the principal of every authenticated request and the
// account reads are answered without a user.GetUser round trip while the model is current.
//
// - Current: the feed is live and its snapshot has ended (KIND_READY). Otherwise every read
//   returns "not current" and the caller goes upstream.
// - Versions decide: an account replaces what the model holds only if newer, so a late event
//   never undoes a newer state, and the reply of a write the gateway made (update, delete)
//   applied before it answers (read-your-writes) is not undone by the feed catching up.
// - A deletion leaves a tombstone with its version: the account reads as deleted at once, and
//   no older copy (a late event, a GetUser reply that raced the deletion) brings it back.
// - An id the model does not hold (created a moment ago, its event still on the way) is read
//   upstream; the reply is kept only if no loss happened since the call was sent (a
//   generation counter) and it is newer than what the model holds by then.
// - Bounded: more than max_accounts ids (tombstones included) and the model stays not current
//   until the next snapshot.
// - Every deletion or deactivation it learns of (feed or own write, current or not) is told to
//   `revoked`, outside the lock, so that the account's sockets close.
// Thread-safe: the feed's gRPC thread writes, io threads read and apply.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <shared_mutex>
#include <unordered_map>

#include "user/v1/user.pb.h"

namespace fleet::gateway::app {
class Metrics;
}

namespace fleet::gateway::readmodel {

namespace userpb = ::fleetgate::user::v1;

class AccountModel {
 public:
  struct Limits {
    std::size_t max_accounts = 1'000'000;
  };
  enum class Found { kNotCurrent, kUnknown, kDeleted, kFound };
  struct AccountRead {
    Found found = Found::kNotCurrent;
    userpb::Account account;  // when kFound
  };
  // A GetUser call's claim to fill the model with its reply.
  using Ticket = std::uint64_t;
  using Revoked = std::function<void(std::int64_t user_id)>;

  AccountModel(app::Metrics& metrics, Limits limits, Revoked revoked = {});
  explicit AccountModel(app::Metrics& metrics, Revoked revoked = {})
      : AccountModel(metrics, Limits{}, std::move(revoked)) {}

  // The feed, in order (a gRPC thread).
  void on_change(const userpb::AccountChange& change);
  // The feed ended: everything is dropped; not current until the next snapshot has ended.
  void on_lost();

  bool current() const;
  AccountRead account(std::int64_t id) const;

  // Take before sending GetUser; nothing when not current (the reply is then not kept).
  std::optional<Ticket> ticket() const;
  // Keeps a GetUser reply if nothing was lost since `ticket` was taken.
  void fill(Ticket ticket, const userpb::Account& account);

  // The reply of the gateway's own write: kept if newer, so the caller's next read sees it.
  void apply(const userpb::Account& account);
  void apply_deleted(std::int64_t id, std::int64_t version);

  std::size_t size() const;

 private:
  struct Entry {
    userpb::Account account;  // id and version only once deleted
    bool deleted = false;
  };
  // Under the exclusive lock; true when the model kept it.
  bool keep(const userpb::Account& account, bool deleted);
  void drop_all();
  // Tells `revoked` of an account that is gone or inactive (outside the lock).
  void revoke_if_barred(const userpb::Account& account, bool deleted) const;

  app::Metrics& metrics_;
  const Limits limits_;
  const Revoked revoked_;
  mutable std::shared_mutex mutex_;
  bool live_ = false;      // the snapshot has ended and the feed is up
  bool too_many_ = false;  // outgrew max_accounts: not current until a new feed
  std::unordered_map<std::int64_t, Entry> accounts_;
  // Changes on every loss; a fill must see its ticket's value.
  std::uint64_t generation_ = 1;
};

}  // namespace fleet::gateway::readmodel
