#pragma once
// Domain values <-> streetlight.v1 messages. Everything a client renders comes from these, so a
// replayed response renders exactly like the first.
#include "domain/model.h"
#include "streetlight/v1/streetlight.pb.h"

namespace fleet::streetlight {

namespace v1 = fleetgate::streetlight::v1;

void to_proto(const Light& light, v1::Light* out);
void to_proto(const ControlLog& log, v1::ControlLog* out);
void to_proto(const CitySummary& summary, v1::CitySummary* out);
void to_map_point(const Light& light, v1::MapPoint* out);

}  // namespace fleet::streetlight
