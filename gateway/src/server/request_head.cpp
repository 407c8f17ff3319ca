#include "server/request_head.h"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include "http/request_id.h"

namespace fleet::gateway::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

void apply_limits(RequestParser& parser, std::size_t header_bytes, std::size_t body_bytes) {
  parser.header_limit(static_cast<std::uint32_t>(header_bytes));
  parser.body_limit(body_bytes);
}

Refusal read_refusal(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) return {413, "Request body too large"};
  if (ec == bhttp::error::header_limit) return {431, "Request header fields too large"};
  // Errors after which the peer is gone or silent: close without answering.
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == beast::error::timeout || ec == net::error::eof ||
      ec == net::error::connection_reset || ec == net::error::operation_aborted ||
      ec == net::error::broken_pipe ||
      ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category()) {
    return {};
  }
  return {400, "Bad request"};
}

Refusal transfer_encoding_refusal(const RequestMessage& message) {
  const auto coding = message[bhttp::field::transfer_encoding];
  if (coding.empty() || http::iequals(coding, "chunked")) return {};
  return message.chunked() ? Refusal{501, "Transfer-Encoding not supported"}
                           : Refusal{400, "Bad request"};
}

// http::iequals, not beast::iequals: Boost 1.81's reads one byte past its arguments once their
// case differs, beyond the heap buffer of a target that ends there ("GET HTTPS:// HTTP/1.1",
// found by the http_head fuzz target).
std::string origin_form(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && http::iequals(target.substr(0, scheme.size()), scheme)) {
      const auto rest = target.substr(scheme.size());
      const auto path = rest.find_first_of("/?");
      if (path == std::string_view::npos) return "/";
      return rest[path] == '/' ? std::string(rest.substr(path)) : "/" + std::string(rest.substr(path));
    }
  }
  return std::string(target);
}

http::Request to_request(RequestMessage& message, std::string remote_address) {
  http::Request request;
  request.method = message.method() == bhttp::verb::head ? std::string("GET")
                                                          : std::string(message.method_string());
  request.target = origin_form(message.target());
  http::split_target(request.target, request.path, request.query);
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.request_id = http::request_id_for(message["X-Request-Id"]);
  request.remote_address = std::move(remote_address);
  return request;
}

}  // namespace fleet::gateway::server
