#include "api/replica_relay.h"

#include "api/convert.h"
#include "fleet/changes/replicate.h"
#include "fleet/rpc/convert.h"

namespace fleet::device_session {
namespace {

std::optional<DeviceEvent::Kind> kind_from(v1::DeviceEvent::Kind kind) {
  switch (kind) {
    case v1::DeviceEvent::KIND_STARTED:
      return DeviceEvent::Kind::kStarted;
    case v1::DeviceEvent::KIND_STOPPED:
      return DeviceEvent::Kind::kStopped;
    case v1::DeviceEvent::KIND_EXPIRED:
      return DeviceEvent::Kind::kExpired;
    default:
      return std::nullopt;  // snapshots are never relayed
  }
}

std::optional<DeviceEvent> from_proto(const v1::ReplicaDeviceEvent& in) {
  const auto kind = kind_from(in.event().kind());
  const v1::Device& d = in.event().device();
  const auto hourly_cost = Money::parse(d.hourly_cost());
  if (!kind || !hourly_cost || d.id() <= 0) return std::nullopt;
  DeviceEvent event{*kind, {}, in.sequence()};
  DeviceRecord& record = event.device.record;
  record.id = d.id();
  record.name = d.name();
  record.type = d.type();
  record.hourly_cost = *hourly_cost;
  record.user_id = rpc::optional_field(d.has_user_id(), d.user_id());
  if (d.has_end_time()) record.end_time = rpc::from_timestamp(d.end_time());
  record.session_id = rpc::optional_field(in.has_session_id(), in.session_id());
  record.version = d.version();
  event.device.as_of = rpc::from_timestamp(d.as_of());
  return event;
}

std::optional<Wallet> from_proto(const v1::Wallet& in) {
  const auto cash = Money::parse(in.cash(), true);
  if (!cash || in.user_id() <= 0) return std::nullopt;
  return Wallet{in.user_id(), *cash, in.version()};
}

}  // namespace

std::string encode_replica_change(const ReplicaChange& change) {
  v1::ReplicaChange message;
  if (const auto* event = std::get_if<DeviceEvent>(&change)) {
    auto* device = message.mutable_device();
    to_proto(*event, device->mutable_event());
    device->set_sequence(event->sequence);
    rpc::set_optional(event->device.record.session_id,
                      [&](std::int64_t id) { device->set_session_id(id); });
  } else {
    to_proto(std::get<Wallet>(change), message.mutable_wallet());
  }
  return message.SerializeAsString();
}

std::optional<ReplicaChange> decode_replica_change(std::string_view payload) {
  v1::ReplicaChange message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return std::nullopt;
  }
  if (message.has_device()) {
    if (auto event = from_proto(message.device())) return ReplicaChange{std::move(*event)};
  } else if (message.has_wallet()) {
    if (auto wallet = from_proto(message.wallet())) return ReplicaChange{*wallet};
  }
  return std::nullopt;
}

ReplicaRelay::ReplicaRelay(DeviceHub& hub, const bus::Settings& settings,
                           std::function<void(bool complete)> on_complete_changed)
    : hub_(hub),
      replication_(changes::replicate(
          hub, settings, "device-session", kSubject,
          [this](std::string_view payload) { return apply(payload); },
          std::move(on_complete_changed))) {
  if (replication_) hub_.set_outbox(this);
}

ReplicaRelay::~ReplicaRelay() {
  hub_.set_outbox(nullptr);
  replication_.reset();  // no bus callback runs after this
}

void ReplicaRelay::committed(const DeviceEvent& event) {
  replication_->send(encode_replica_change(event));
}

void ReplicaRelay::committed(const Wallet& wallet) {
  replication_->send(encode_replica_change(wallet));
}

bool ReplicaRelay::apply(std::string_view payload) {
  const auto change = decode_replica_change(payload);
  if (!change) return false;
  std::visit([this](const auto& value) { hub_.apply_remote(value); }, *change);
  return true;
}

}  // namespace fleet::device_session
