#include "fleet/rpc/convert.h"

namespace fleet::rpc {

void set_timestamp(google::protobuf::Timestamp* out, TimePoint t) {
  const auto micros = std::chrono::floor<std::chrono::microseconds>(t).time_since_epoch().count();
  const auto seconds = micros >= 0 ? micros / 1'000'000 : (micros - 999'999) / 1'000'000;
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>((micros - seconds * 1'000'000) * 1000));
}

google::protobuf::Timestamp to_timestamp(TimePoint t) {
  google::protobuf::Timestamp ts;
  set_timestamp(&ts, t);
  return ts;
}

TimePoint from_timestamp(const google::protobuf::Timestamp& ts) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(ts.seconds()) + std::chrono::nanoseconds(ts.nanos())));
}

}  // namespace fleet::rpc
