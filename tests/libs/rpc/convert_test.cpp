#include "fleet/rpc/convert.h"

#include <catch2/catch.hpp>

#include "user/v1/user.pb.h"

using namespace std::chrono;
using fleet::rpc::from_timestamp;
using fleet::rpc::TimePoint;
using fleet::rpc::to_timestamp;

TEST_CASE("Timestamp and time_point round trip at microsecond precision", "[rpc][convert]") {
  const TimePoint t = sys_days{2025y / January / 10} + 10h + 5s + 123456us;
  const auto ts = to_timestamp(t);
  CHECK(ts.seconds() == 1'736'503'205);
  CHECK(ts.nanos() == 123'456'000);
  CHECK(from_timestamp(ts) == t);
  CHECK(to_timestamp(from_timestamp(ts)).SerializeAsString() == ts.SerializeAsString());

  const TimePoint epoch{};
  CHECK(to_timestamp(epoch).seconds() == 0);
  CHECK(to_timestamp(epoch).nanos() == 0);
  CHECK(from_timestamp(to_timestamp(epoch)) == epoch);
}

TEST_CASE("sub-microsecond parts are floored, also before 1970", "[rpc][convert]") {
  const TimePoint t = sys_days{2025y / January / 10} + 999'999'999ns;
  CHECK(to_timestamp(t).nanos() == 999'999'000);
  CHECK(from_timestamp(to_timestamp(t)) == floor<microseconds>(t));

  const TimePoint before = TimePoint{} - 1500us;  // 1969-12-31 23:59:59.9985
  const auto ts = to_timestamp(before);
  CHECK(ts.seconds() == -1);
  CHECK(ts.nanos() == 998'500'000);  // nanos stay in [0, 1e9), as the Timestamp spec says
  CHECK(from_timestamp(ts) == before);

  google::protobuf::Timestamp out;
  fleet::rpc::set_timestamp(&out, before - 1ns);
  CHECK(out.seconds() == -1);
  CHECK(out.nanos() == 998'499'000);
}

TEST_CASE("proto3 optional fields <-> std::optional", "[rpc][convert]") {
  fleetgate::user::v1::NewAccount in;
  CHECK_FALSE(fleet::rpc::optional_field(in.has_email(), in.email()).has_value());
  in.set_email("");  // present but empty stays present
  CHECK(fleet::rpc::optional_field(in.has_email(), in.email()) == std::optional<std::string>(""));

  fleetgate::user::v1::Account out;
  fleet::rpc::set_optional(std::optional<std::string>{}, [&](const auto& v) { out.set_phone(v); });
  CHECK_FALSE(out.has_phone());
  fleet::rpc::set_optional(std::optional<std::string>{"555"},
                           [&](const auto& v) { out.set_phone(v); });
  CHECK(out.phone() == "555");
}
