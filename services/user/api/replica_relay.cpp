#include "api/replica_relay.h"

#include "api/convert.h"
#include "fleet/common/logging.h"

namespace fleet::user {

std::string encode_replica_change(const AccountChange& change) {
  v1::AccountChange message;
  to_proto(change, &message);
  return message.SerializeAsString();
}

std::optional<AccountChange> decode_replica_change(std::string_view payload) {
  v1::AccountChange message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size())) ||
      message.account().id() <= 0) {
    return std::nullopt;
  }
  switch (message.kind()) {
    case v1::AccountChange::KIND_CHANGED: {
      auto account = account_from_proto(message.account());
      if (!account) return std::nullopt;
      return AccountChange{AccountChange::Kind::kChanged, std::move(*account)};
    }
    case v1::AccountChange::KIND_DELETED: {
      AccountChange change{AccountChange::Kind::kDeleted, {}};
      change.account.id = message.account().id();
      change.account.version = message.account().version();
      return change;
    }
    default:
      return std::nullopt;  // snapshots are never relayed
  }
}

ReplicaRelay::ReplicaRelay(AccountHub& hub, const bus::Settings& settings,
                           std::function<void(bool complete)> on_complete_changed)
    : hub_(hub) {
  if (!settings.enabled()) return;
  hub_.set_complete(false);  // until the bus is up
  if (on_complete_changed) on_complete_changed(false);
  replication_ = std::make_unique<bus::Replication>(
      settings, "user", kSubject,
      bus::Replication::Hooks{
          .apply = [this](std::string_view payload) { apply(payload); },
          .resync = [this] { hub_.end_all(WatchEnd::kFailed); },
          .on_complete_changed =
              [this, report = std::move(on_complete_changed)](bool complete) {
                hub_.set_complete(complete);
                if (report) report(complete);
              }});
  hub_.set_outbox(this);
}

ReplicaRelay::~ReplicaRelay() {
  hub_.set_outbox(nullptr);
  replication_.reset();  // no bus callback runs after this
}

void ReplicaRelay::committed(const AccountChange& change) {
  replication_->send(encode_replica_change(change));
}

void ReplicaRelay::apply(std::string_view payload) {
  const auto change = decode_replica_change(payload);
  if (!change) {
    // Another build's message, or a broken one: what it said is missed, so start over.
    log::error("replica_change_unreadable", {{"bytes", static_cast<std::int64_t>(payload.size())}});
    hub_.end_all(WatchEnd::kFailed);
    return;
  }
  hub_.apply_remote(*change);
}

}  // namespace fleet::user
