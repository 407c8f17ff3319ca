#pragma once
// Domain values <-> sync.v1 messages.
#include "domain/model.h"
#include "sync/v1/sync.pb.h"

namespace fleet::sync {

namespace v1 = fleetgate::sync::v1;

void to_proto(const Device& device, v1::Device* out);
void to_proto(const Attempt& attempt, v1::Attempt* out);

}  // namespace fleet::sync
