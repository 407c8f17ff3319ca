#include "render/errors.h"

#include <boost/json/object.hpp>

#include "http/json.h"

namespace fleet::gateway::render {
namespace json = boost::json;

namespace {
constexpr const char* kRetryAfterSeconds = "1";
}  // namespace

bool uses_detail(Surface surface) {
  return surface == Surface::kRental || surface == Surface::kUsersV1 || surface == Surface::kRepair;
}

http::Response error_response(Surface surface, int status, std::string_view text) {
  json::object body;
  switch (surface) {
    case Surface::kStreetlight:
      body["status"] = status;
      body["message"] = text;
      body["data"] = nullptr;
      break;
    case Surface::kPisync:
      body["message"] = text;
      break;
    default:
      body["detail"] = text;
      break;
  }
  auto response = http::json_response(status, body);
  if (status == 401 && uses_detail(surface)) response.set_header("WWW-Authenticate", "Bearer");
  // A refusal under load (auth's hashing pool is full): a client may try again in a second.
  if (status == 429) response.set_header("Retry-After", kRetryAfterSeconds);
  return response;
}

http::Response validation_response(const validation::Issues& issues) {
  json::array detail;
  for (const auto& issue : issues) {
    json::object item;
    item["type"] = issue.type;
    item["loc"] = issue.loc;
    item["msg"] = issue.msg;
    detail.push_back(std::move(item));
  }
  return http::json_response(422, json::object{{"detail", std::move(detail)}});
}

std::string_view generic_text(int status) {
  switch (status) {
    case 503:
      return "Service unavailable";
    case 504:
      return "Upstream timeout";
    default:
      return "Internal server error";
  }
}

}  // namespace fleet::gateway::render
