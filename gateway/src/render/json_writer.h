#pragma once
// A small JSON writer for bodies Boost.JSON cannot produce: money must appear as the exact
// decimal text ("8.50"), where Boost.JSON would print a double as 8.5E0. Everything else is
// escaped and formatted as Boost.JSON does, so such bodies look like the others.
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fleet::gateway::render {

// True for a plain decimal that is also a JSON number: an optional '-', digits without a
// leading zero, and optionally '.' and digits.
bool is_plain_decimal(std::string_view text);

// The shortest text that reads back as `value`, always with a '.' or exponent-free fraction
// (as Python prints a float: 3600.0, 12.5). Non-finite values are written as 0.0.
std::string float_text(double value);

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view text);
  JsonWriter& integer(std::int64_t value);
  JsonWriter& boolean(bool value);
  JsonWriter& null();
  // The exact decimal as a JSON number; throws std::invalid_argument unless is_plain_decimal.
  JsonWriter& decimal(std::string_view exact);
  JsonWriter& floating(double value);  // float_text
  JsonWriter& value(const boost::json::value& value);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void before_value();
  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace fleet::gateway::render
