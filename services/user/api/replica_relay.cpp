#include "api/replica_relay.h"

#include "api/convert.h"
#include "fleet/changes/replicate.h"

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
    : hub_(hub),
      replication_(changes::replicate(
          hub, settings, "user", kSubject,
          [this](std::string_view payload) { return apply(payload); },
          std::move(on_complete_changed))) {
  if (replication_) hub_.set_outbox(this);
}

ReplicaRelay::~ReplicaRelay() {
  hub_.set_outbox(nullptr);
  replication_.reset();  // no bus callback runs after this
}

void ReplicaRelay::committed(const AccountChange& change) {
  replication_->send(encode_replica_change(change));
}

bool ReplicaRelay::apply(std::string_view payload) {
  const auto change = decode_replica_change(payload);
  if (!change) return false;
  hub_.apply_remote(*change);
  return true;
}

}  // namespace fleet::user
