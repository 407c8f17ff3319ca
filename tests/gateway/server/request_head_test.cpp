// Reading one request without a socket: the origin form, how a failed read is answered, the
// Transfer-Encoding refusal and the request the application gets.
#include "server/request_head.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <string>

using namespace fleet::gateway;
namespace bhttp = boost::beast::http;

namespace {

// Parses a complete message the way the server's read does, under the server's limits.
server::RequestMessage parse(std::string_view bytes) {
  server::RequestParser parser;
  server::apply_limits(parser, 8 * 1024, 1024 * 1024);
  boost::beast::error_code ec;
  parser.eager(true);
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  REQUIRE(!ec);
  REQUIRE(parser.is_done());
  return parser.release();
}

}  // namespace

TEST_CASE("request head: an absolute-form target becomes its origin form") {
  CHECK(server::origin_form("/v1/orders?limit=1") == "/v1/orders?limit=1");
  CHECK(server::origin_form("http://localhost:8000/v1/orders?limit=1") == "/v1/orders?limit=1");
  CHECK(server::origin_form("HTTPS://host?x=1") == "/?x=1");
  CHECK(server::origin_form("http://host") == "/");
  // A target that is only a scheme, in another case, in a buffer of its own size: the http_head
  // fuzz target's finding (beast::iequals read past it); ASan builds check the bounds.
  for (std::string_view scheme : {"HTTPS://", "HTTP://", "Http://"}) {
    auto exact = std::make_unique<char[]>(scheme.size());
    std::copy(scheme.begin(), scheme.end(), exact.get());
    CHECK(server::origin_form(std::string_view(exact.get(), scheme.size())) == "/");
  }
  CHECK(server::origin_form("httpx://host/a") == "httpx://host/a");
}

TEST_CASE("request head: failed reads are answered 413, 431, 400 or not at all") {
  CHECK(server::read_refusal(bhttp::error::body_limit).status == 413);
  CHECK(server::read_refusal(bhttp::error::header_limit).status == 431);
  CHECK(server::read_refusal(bhttp::error::bad_method).status == 400);
  CHECK(server::read_refusal(bhttp::error::end_of_stream).status == 0);
  CHECK(server::read_refusal(bhttp::error::partial_message).status == 0);
}

TEST_CASE("request head: Transfer-Encoding other than chunked is refused") {
  CHECK(server::transfer_encoding_refusal(parse("GET / HTTP/1.1\r\n\r\n")).status == 0);
  CHECK(server::transfer_encoding_refusal(
            parse("POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n"))
            .status == 0);
  CHECK(server::transfer_encoding_refusal(
            parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"))
            .status == 501);
  CHECK(server::transfer_encoding_refusal(parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"))
            .status == 400);
}

TEST_CASE("request head: the application's request") {
  auto message = parse(
      "HEAD http://h/user/1?x=2 HTTP/1.1\r\nX-Request-Id: abc-1\r\nContent-Length: 2\r\n\r\nhi");
  const auto request = server::to_request(message, "10.0.0.1");
  CHECK(request.method == "GET");
  CHECK(request.target == "/user/1?x=2");
  CHECK(request.path == "/user/1");
  CHECK(request.query == "x=2");
  CHECK(request.header("x-request-id") == "abc-1");
  CHECK(request.request_id == "abc-1");
  CHECK(request.body == "hi");
  CHECK(request.remote_address == "10.0.0.1");
}
