#include "fanout_load/message.h"

#include <boost/json.hpp>
#include <cctype>
#include <charconv>

namespace fleet::bench {
namespace json = boost::json;

namespace {

// The integer after `"key":`, or nullopt when the key is absent or its value is not an integer.
std::optional<std::int64_t> integer_after(std::string_view text, std::string_view quoted_key) {
  auto at = text.find(quoted_key);
  if (at == std::string_view::npos) return std::nullopt;
  std::size_t i = at + quoted_key.size();
  auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  skip_space();
  if (i >= text.size() || text[i] != ':') return std::nullopt;
  ++i;
  skip_space();
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), value);
  if (ec != std::errc{}) return std::nullopt;
  std::size_t next = static_cast<std::size_t>(end - text.data());
  if (next < text.size() && (text[next] == '.' || text[next] == 'e' || text[next] == 'E')) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<Countdown> scan_countdown(std::string_view text) {
  auto device = integer_after(text, "\"device_id\"");
  auto left = integer_after(text, "\"time_left\"");
  if (!device || !left) return std::nullopt;
  return Countdown{*device, *left};
}

std::string check_countdown_shape(std::string_view text) {
  json::error_code ec;
  auto value = json::parse(text, ec);
  if (ec) return "not JSON";
  const auto* object = value.if_object();
  if (!object) return "not a JSON object";
  auto is_int = [](const json::value* v) { return v && (v->is_int64() || v->is_uint64()); };
  if (!is_int(object->if_contains("device_id"))) return "device_id is not an integer";
  if (!is_int(object->if_contains("time_left"))) return "time_left is not an integer";
  const auto* status = object->if_contains("status");
  if (!status || !status->is_string() ||
      (status->get_string() != "running" && status->get_string() != "idle")) {
    return "status is not \"running\" or \"idle\"";
  }
  const auto* user = object->if_contains("user_id");
  if (!user || !(is_int(user) || user->is_null())) return "user_id is not an integer or null";
  return {};
}

std::string render_countdown(std::int64_t device_id, std::int64_t time_left, bool running,
                             std::optional<std::int64_t> user_id) {
  json::object out;
  out["device_id"] = device_id;
  out["time_left"] = time_left;
  out["status"] = running ? "running" : "idle";
  if (user_id) {
    out["user_id"] = *user_id;
  } else {
    out["user_id"] = nullptr;
  }
  return json::serialize(out);
}

}  // namespace fleet::bench
