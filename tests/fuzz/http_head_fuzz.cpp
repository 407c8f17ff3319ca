// Bytes from a client socket up to one request, read as the server reads them
// (server/request_head.cpp): Beast's request parser under the server's default limits (8 KiB of
// header, 1 MiB of body), the answer to a read that fails (413, 431, 400 or a quiet close), the
// Transfer-Encoding refusal, and the message turned into the application's request (absolute
// form, HEAD as GET, path and query, headers, request id). Input: the raw bytes.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "http/message.h"
#include "http/request_id.h"
#include "server/request_head.h"
#include "server/server.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace server = fleet::gateway::server;
  namespace bhttp = boost::beast::http;
  static const server::Limits limits;
  server::RequestParser parser;
  server::apply_limits(parser, limits.header_bytes, limits.body_bytes);

  // As http::async_read feeds the parser: everything received so far, until it is done; the end
  // of the input is the client closing its side.
  boost::beast::error_code ec;
  std::size_t offset = 0;
  while (!parser.is_done()) {
    const auto used = parser.put(boost::asio::const_buffer(data + offset, size - offset), ec);
    offset += used;
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (used != 0 && offset < size) continue;
      if (parser.got_some()) {
        parser.put_eof(ec);
      } else {
        ec = bhttp::error::end_of_stream;
      }
      if (!ec && !parser.is_done()) ec = bhttp::error::partial_message;
    }
    if (ec || used == 0) break;
  }
  FUZZ_REQUIRE(offset <= size);

  if (ec || !parser.is_done()) {
    const auto refusal = server::read_refusal(ec);
    FUZZ_REQUIRE(refusal.status == 0 || refusal.status == 400 || refusal.status == 413 ||
                 refusal.status == 431);
    return 0;
  }
  auto message = parser.release();
  if (server::transfer_encoding_refusal(message).status != 0) return 0;
  const auto request = server::to_request(message, "127.0.0.1");
  FUZZ_REQUIRE(request.body.size() <= limits.body_bytes);
  FUZZ_REQUIRE(!request.method.empty());
  const std::string_view raw_target = message.target();
  namespace http = fleet::gateway::http;
  if (raw_target.size() > 8 && (http::iequals(raw_target.substr(0, 7), "http://") ||
                                http::iequals(raw_target.substr(0, 8), "https://"))) {
    FUZZ_REQUIRE(request.target.starts_with("/"));  // routed by its origin form
  }
  FUZZ_REQUIRE(fleet::gateway::http::is_sane_request_id(request.request_id));
  return 0;
}
