#include "http/json.h"

#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

namespace fleet::gateway::http {
namespace {
bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

JsonParse parse_json(std::string_view text) {
  JsonParse result;
  boost::json::parse_options options;
  options.max_depth = 64;
  boost::json::stream_parser parser({}, options);
  boost::system::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec && !parser.done()) {
    // The text ended inside a value (or was empty).
    result.error_offset = text.size();
    return result;
  }
  if (ec) {
    result.error_offset = used;
    return result;
  }
  while (used < text.size() && is_json_space(text[used])) ++used;
  if (used != text.size()) {
    result.error_offset = used;  // "Extra data"
    return result;
  }
  result.value = parser.release();
  return result;
}

std::string dump(const boost::json::value& value) { return boost::json::serialize(value); }

Response json_response(int status, const boost::json::value& body) {
  Response response;
  response.status = status;
  response.set_header("Content-Type", "application/json");
  response.body = dump(body);
  return response;
}

}  // namespace fleet::gateway::http
