// The service's /metrics server (fleet/metrics/http_server.h), over a real socket.
#include "fleet/metrics/http_server.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <string>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

struct Client {
  asio::io_context io;
  tcp::socket socket{io};
  boost::beast::flat_buffer buffer;

  explicit Client(int port) {
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(port)));
  }

  http::response<http::string_body> send(http::verb method, const std::string& target) {
    http::request<http::empty_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    http::write(socket, request);
    http::response_parser<http::string_body> parser;
    parser.skip(method == http::verb::head);
    http::read(socket, buffer, parser);
    return parser.release();
  }
};

}  // namespace

TEST_CASE("GET /metrics answers the rendered page, on one kept-alive connection", "[metrics]") {
  int scrapes = 0;
  fleet::metrics::HttpServer server(0, [&] {
    ++scrapes;
    return "up " + std::to_string(scrapes) + "\n";
  });
  REQUIRE(server.port() > 0);
  Client client(server.port());
  auto first = client.send(http::verb::get, "/metrics");
  CHECK(first.result() == http::status::ok);
  CHECK(first[http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(first.body() == "up 1\n");
  auto second = client.send(http::verb::get, "/metrics");
  CHECK(second.body() == "up 2\n");
  auto head = client.send(http::verb::head, "/metrics");
  CHECK(head.result() == http::status::ok);
  CHECK(head.body().empty());
}

TEST_CASE("the metrics server serves nothing else", "[metrics]") {
  fleet::metrics::HttpServer server(0, [] { return std::string("x 1\n"); });
  Client client(server.port());
  CHECK(client.send(http::verb::get, "/").result() == http::status::not_found);
  CHECK(client.send(http::verb::get, "/metrics/x").result() == http::status::not_found);
  const auto post = client.send(http::verb::post, "/metrics");
  CHECK(post.result() == http::status::method_not_allowed);
  CHECK(post[http::field::allow] == "GET, HEAD");
}

TEST_CASE("a port in use fails the start", "[metrics]") {
  fleet::metrics::HttpServer first(0, [] { return std::string(); });
  CHECK_THROWS_AS(fleet::metrics::HttpServer(first.port(), [] { return std::string(); }),
                  std::runtime_error);
}
