#pragma once
// Protobuf field forms <-> domain values, shared by every service's adapter:
//   google.protobuf.Timestamp <-> std::chrono::system_clock::time_point, at microsecond precision
//     (what MariaDB DATETIME(6) keeps, so a time read back from storage and one just sent agree);
//   proto3 `optional` scalar fields <-> std::optional.
#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <optional>
#include <string>

namespace fleet::rpc {

using TimePoint = std::chrono::system_clock::time_point;

// Floors t to whole microseconds (towards the past, before 1970 too).
void set_timestamp(google::protobuf::Timestamp* out, TimePoint t);
google::protobuf::Timestamp to_timestamp(TimePoint t);
// Exact (to the nanosecond): to_timestamp(from_timestamp(ts)) == ts for microsecond values.
TimePoint from_timestamp(const google::protobuf::Timestamp& ts);

// A proto3 `optional` field as a std::optional: optional_field(m.has_x(), m.x()).
template <class T>
std::optional<T> optional_field(bool present, const T& value) {
  if (!present) return std::nullopt;
  return value;
}

// Sets a proto3 `optional` field only when the value is present:
// set_optional(value, [&](const auto& v) { out->set_x(v); }).
template <class T, class Setter>
void set_optional(const std::optional<T>& value, Setter&& set) {
  if (value) set(*value);
}

}  // namespace fleet::rpc
