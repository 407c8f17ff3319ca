#include "api/convert.h"

#include "fleet/rpc/convert.h"

namespace fleet::device_session {
namespace {

v1::DeviceEvent::Kind kind_of(DeviceEvent::Kind kind) {
  switch (kind) {
    case DeviceEvent::Kind::kSnapshot:
      return v1::DeviceEvent::KIND_SNAPSHOT;
    case DeviceEvent::Kind::kStarted:
      return v1::DeviceEvent::KIND_STARTED;
    case DeviceEvent::Kind::kStopped:
      return v1::DeviceEvent::KIND_STOPPED;
    case DeviceEvent::Kind::kExpired:
      return v1::DeviceEvent::KIND_EXPIRED;
  }
  return v1::DeviceEvent::KIND_UNSPECIFIED;
}

}  // namespace

void to_proto(const DeviceView& view, v1::Device* out) {
  const DeviceRecord& d = view.record;
  out->set_id(d.id);
  out->set_name(d.name);
  out->set_type(d.type);
  out->set_hourly_cost(d.hourly_cost.str());
  out->set_running(view.running());
  if (view.running()) {
    out->set_user_id(*d.user_id);
    rpc::set_timestamp(out->mutable_end_time(), *d.end_time);
  }
  out->set_time_left(view.time_left());
  rpc::set_timestamp(out->mutable_as_of(), view.as_of);
  out->set_version(d.version);
}

void to_proto(const DeviceEvent& event, v1::DeviceEvent* out) {
  out->Clear();
  out->set_kind(kind_of(event.kind));
  to_proto(event.device, out->mutable_device());
}

void to_proto(const Wallet& wallet, v1::Wallet* out) {
  out->set_user_id(wallet.user_id);
  out->set_cash(wallet.cash.str());
  out->set_version(wallet.version);
}

void to_proto(const FeedEvent& event, v1::DeviceFeedEvent* out) {
  out->Clear();
  if (const auto* device = std::get_if<DeviceEvent>(&event)) {
    to_proto(*device, out->mutable_device());
  } else if (const auto* wallet = std::get_if<Wallet>(&event)) {
    to_proto(*wallet, out->mutable_wallet());
  } else {
    out->mutable_snapshot_end();
  }
}

void to_proto(const LedgerEntry& entry, v1::LedgerEntry* out) {
  out->set_id(entry.id);
  out->set_user_id(entry.user_id);
  out->set_kind(std::string(to_string(entry.kind)));
  out->set_amount(entry.amount.str());
  out->set_balance_after(entry.balance_after.str());
  if (entry.device_id) out->set_device_id(*entry.device_id);
  rpc::set_timestamp(out->mutable_created_at(), entry.created_at);
}

}  // namespace fleet::device_session
