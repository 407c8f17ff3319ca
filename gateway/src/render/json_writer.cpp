#include "render/json_writer.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace fleet::gateway::render {

bool is_plain_decimal(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  auto digits = [](std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  auto dot = text.find('.');
  auto whole = text.substr(0, dot);
  // JSON allows no leading zero ("07").
  if (!digits(whole) || (whole.size() > 1 && whole.front() == '0')) return false;
  return dot == std::string_view::npos || digits(text.substr(dot + 1));
}

std::string float_text(double value) {
  if (!std::isfinite(value)) return "0.0";
  char buffer[400];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  if (ec != std::errc()) return "0.0";
  std::string text(buffer, end);
  if (text.find('.') == std::string::npos) text += ".0";
  return text;
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  out_ += boost::json::serialize(boost::json::string_view(name.data(), name.size()));
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  before_value();
  out_ += boost::json::serialize(boost::json::string_view(text.data(), text.size()));
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
  before_value();
  out_ += std::to_string(value);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::decimal(std::string_view exact) {
  if (!is_plain_decimal(exact)) {
    throw std::invalid_argument("not a plain decimal: " + std::string(exact.substr(0, 32)));
  }
  before_value();
  out_ += exact;
  return *this;
}

JsonWriter& JsonWriter::floating(double value) {
  before_value();
  out_ += float_text(value);
  return *this;
}

JsonWriter& JsonWriter::value(const boost::json::value& value) {
  before_value();
  out_ += boost::json::serialize(value);
  return *this;
}

}  // namespace fleet::gateway::render
