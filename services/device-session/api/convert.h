#pragma once
// Domain values <-> device_session.v1 messages. Everything a client renders comes from these,
// so a replayed response renders exactly like the first.
#include "device_session/v1/device_session.pb.h"
#include "domain/model.h"

namespace fleet::device_session {

namespace v1 = fleetgate::device_session::v1;

void to_proto(const DeviceView& view, v1::Device* out);
void to_proto(const DeviceEvent& event, v1::DeviceEvent* out);
void to_proto(const Wallet& wallet, v1::Wallet* out);
void to_proto(const FeedEvent& event, v1::DeviceFeedEvent* out);
void to_proto(const LedgerEntry& entry, v1::LedgerEntry* out);

}  // namespace fleet::device_session
