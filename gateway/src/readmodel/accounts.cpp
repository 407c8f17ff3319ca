#include "readmodel/accounts.h"

#include <mutex>

#include "app/metrics.h"

namespace fleet::gateway::readmodel {

AccountModel::AccountModel(app::Metrics& metrics, Limits limits, Revoked revoked)
    : metrics_(metrics), limits_(limits), revoked_(std::move(revoked)) {}

void AccountModel::on_change(const userpb::AccountChange& change) {
  const bool deleted = change.kind() == userpb::AccountChange::KIND_DELETED;
  {
    std::unique_lock lock(mutex_);
    switch (change.kind()) {
      case userpb::AccountChange::KIND_READY:
        live_ = !too_many_;
        metrics_.account_model_current(live_);
        return;
      case userpb::AccountChange::KIND_SNAPSHOT:
      case userpb::AccountChange::KIND_CHANGED:
      case userpb::AccountChange::KIND_DELETED:
        keep(change.account(), deleted);
        break;
      default:
        return;
    }
  }
  // Snapshot entries too: a socket opened while the feed was down closes once it is back.
  revoke_if_barred(change.account(), deleted);
}

void AccountModel::on_lost() {
  std::unique_lock lock(mutex_);
  drop_all();
}

void AccountModel::drop_all() {
  live_ = false;
  too_many_ = false;
  accounts_.clear();
  ++generation_;
  metrics_.account_model_current(false);
}

bool AccountModel::current() const {
  std::shared_lock lock(mutex_);
  return live_;
}

AccountModel::AccountRead AccountModel::account(std::int64_t id) const {
  AccountRead read;
  {
    std::shared_lock lock(mutex_);
    if (live_) {
      const auto it = accounts_.find(id);
      if (it == accounts_.end()) {
        read.found = Found::kUnknown;
      } else if (it->second.deleted) {
        read.found = Found::kDeleted;
      } else {
        read.found = Found::kFound;
        read.account = it->second.account;
      }
    }
  }
  const bool hit = read.found == Found::kFound || read.found == Found::kDeleted;
  metrics_.read_model(app::ReadModel::kAccount, hit);
  return read;
}

std::optional<AccountModel::Ticket> AccountModel::ticket() const {
  std::shared_lock lock(mutex_);
  if (!live_) return std::nullopt;
  return generation_;
}

void AccountModel::fill(Ticket ticket, const userpb::Account& account) {
  std::unique_lock lock(mutex_);
  if (!live_ || ticket != generation_) return;
  keep(account, false);
}

void AccountModel::apply(const userpb::Account& account) {
  {
    std::unique_lock lock(mutex_);
    // Not current: the next snapshot brings this change anyway.
    if (live_) keep(account, false);
  }
  revoke_if_barred(account, false);
}

void AccountModel::apply_deleted(std::int64_t id, std::int64_t version) {
  userpb::Account gone;
  gone.set_id(id);
  gone.set_version(version);
  {
    std::unique_lock lock(mutex_);
    if (live_) keep(gone, true);
  }
  revoke_if_barred(gone, true);
}

std::size_t AccountModel::size() const {
  std::shared_lock lock(mutex_);
  return accounts_.size();
}

bool AccountModel::keep(const userpb::Account& account, bool deleted) {
  const auto it = accounts_.find(account.id());
  if (it != accounts_.end()) {
    if (account.version() <= it->second.account.version()) return false;
    if (deleted) {
      it->second.account.Clear();
      it->second.account.set_id(account.id());
      it->second.account.set_version(account.version());
    } else {
      it->second.account = account;
    }
    it->second.deleted = deleted;
    return true;
  }
  if (accounts_.size() >= limits_.max_accounts) {
    too_many_ = true;
    live_ = false;
    metrics_.account_model_current(false);
    return false;
  }
  Entry entry;
  entry.account.set_id(account.id());
  entry.account.set_version(account.version());
  if (!deleted) entry.account = account;
  entry.deleted = deleted;
  accounts_.emplace(account.id(), std::move(entry));
  return true;
}

void AccountModel::revoke_if_barred(const userpb::Account& account, bool deleted) const {
  if (revoked_ && (deleted || !account.is_active())) revoked_(account.id());
}

}  // namespace fleet::gateway::readmodel
