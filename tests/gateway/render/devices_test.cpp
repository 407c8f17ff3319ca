// Exact JSON for rental devices, from the proto alone, and the JsonWriter beneath it.
#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "render/devices.h"
#include "render/json_writer.h"
#include "support/devices.h"

using namespace fleet::gateway;
namespace dspb = ::fleetgate::device_session::v1;

namespace {

using fleet::gateway::testing::sample_washer;
}  // namespace

TEST_CASE("JsonWriter: exact decimals, floats as Python prints them, escaping") {
  render::JsonWriter out;
  out.begin_object();
  out.key("a").decimal("8.50");
  out.key("b").decimal("0.00");
  out.key("c").decimal("-1.13");
  out.key("d").floating(3600.0);
  out.key("e").floating(12.5);
  out.key("f").begin_array().integer(1).null().boolean(true).string("x\ny").end_array();
  out.key("g").begin_object().end_object();
  out.end_object();
  CHECK(out.text() ==
        R"({"a":8.50,"b":0.00,"c":-1.13,"d":3600.0,"e":12.5,"f":[1,null,true,"x\ny"],"g":{}})");
  CHECK_NOTHROW(boost::json::parse(out.text()));

  for (auto bad : {"8.5E0", "", ".5", "5.", "1,5", "07.50", "--1", "1.2.3", "NaN"}) {
    CAPTURE(bad);
    CHECK_FALSE(render::is_plain_decimal(bad));
    CHECK_THROWS_AS(render::JsonWriter().decimal(bad), std::invalid_argument);
  }
  for (auto good : {"0", "0.5", "10.00", "9999999999.99", "-0.01"}) {
    CAPTURE(good);
    CHECK(render::is_plain_decimal(good));
  }
  CHECK(render::float_text(0.1) == "0.1");
  CHECK(render::float_text(59.999) == "59.999");
}

TEST_CASE("DeviceResponse from the proto alone") {
  CHECK(render::device_json(sample_washer(false)) ==
        R"({"id":1,"name":"Washer \"A\"","type":"washer","hourly_cost":1.50,"user_id":null,)"
        R"("end_time":null,"time_left":null})");
  CHECK(render::device_json(sample_washer(true)) ==
        R"({"id":1,"name":"Washer \"A\"","type":"washer","hourly_cost":1.50,"user_id":7,)"
        R"("end_time":"2025-01-10T10:00:00Z","time_left":3599.75})");
  // A whole number of seconds is still a float, as the original service sent it.
  auto whole = sample_washer(true);
  whole.set_time_left(3600);
  CHECK(render::device_json(whole).find(R"("time_left":3600.0})") != std::string::npos);

  dspb::ListDevicesResponse list;
  *list.add_devices() = sample_washer(false);
  *list.add_devices() = sample_washer(true);
  auto parsed = boost::json::parse(render::devices_json(list));
  REQUIRE(parsed.as_array().size() == 2);
  CHECK(parsed.at(0).at("hourly_cost").is_double());

  dspb::StopDeviceResponse stopped;
  *stopped.mutable_device() = sample_washer(false);
  stopped.set_refund_amount("1.13");
  CHECK(render::stop_json(stopped) ==
        R"({"message":"Device stopped successfully","device":{"id":1,"name":"Washer \"A\"",)"
        R"("type":"washer","hourly_cost":1.50,"user_id":null,"end_time":null,"time_left":null},)"
        R"("refund_amount":1.13})");
}
