#include "fleet/metrics/http_server.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace fleet::metrics {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// A scraper needs one connection, a few at most; more are refused by closing them.
constexpr int kMaxConnections = 16;
// Prometheus keeps its connection between scrapes (15 s apart by default).
constexpr std::chrono::seconds kIdleTimeout{60};
constexpr std::size_t kHeaderLimit = 8 * 1024;

http::response<http::string_body> answer(const http::request<http::empty_body>& request,
                                         const HttpServer::Render& render) {
  http::response<http::string_body> response;
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  const bool known = request.target() == "/metrics";
  if (!known) {
    response.result(http::status::not_found);
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "Not found\n";
  } else if (request.method() != http::verb::get && request.method() != http::verb::head) {
    response.result(http::status::method_not_allowed);
    response.set(http::field::allow, "GET, HEAD");
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "Method not allowed\n";
  } else {
    response.result(http::status::ok);
    response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    response.body() = render();
  }
  response.prepare_payload();
  if (request.method() == http::verb::head) response.body().clear();  // keeps Content-Length
  return response;
}

}  // namespace

struct HttpServer::Impl {
  Render render;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::atomic<int> connections{0};
  int port = 0;
  std::thread thread;

  asio::awaitable<void> serve(tcp::socket socket) {
    boost::beast::tcp_stream stream(std::move(socket));
    boost::beast::flat_buffer buffer(kHeaderLimit);
    try {
      for (;;) {
        http::request_parser<http::empty_body> parser;
        parser.header_limit(kHeaderLimit);
        stream.expires_after(kIdleTimeout);
        co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
        auto response = answer(parser.get(), render);
        stream.expires_after(kIdleTimeout);
        co_await http::async_write(stream, response, asio::use_awaitable);
        if (!response.keep_alive()) break;
      }
    } catch (const std::exception&) {
      // The peer closed, timed out or sent something unreadable: drop the connection.
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    --connections;
  }

  asio::awaitable<void> accept() {
    for (;;) {
      boost::system::error_code error;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, error));
      if (error == asio::error::operation_aborted) co_return;
      if (error) continue;  // e.g. too many open files: try the next one
      if (connections.load() >= kMaxConnections) continue;  // closed as `socket` goes
      ++connections;
      asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }
};

HttpServer::HttpServer(int port, Render render) : impl_(std::make_unique<Impl>()) {
  impl_->render = std::move(render);
  const tcp::endpoint endpoint(tcp::v4(), static_cast<unsigned short>(port));
  boost::system::error_code error;
  impl_->acceptor.open(endpoint.protocol(), error);
  if (!error) impl_->acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) impl_->acceptor.bind(endpoint, error);
  if (!error) impl_->acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw std::runtime_error("metrics server cannot listen on port " + std::to_string(port) +
                             ": " + error.message());
  }
  impl_->port = impl_->acceptor.local_endpoint().port();
  asio::co_spawn(impl_->io, impl_->accept(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

HttpServer::~HttpServer() {
  impl_->io.stop();
  impl_->thread.join();
  // Unfinished coroutines (and their sockets) are destroyed with the io_context.
}

int HttpServer::port() const { return impl_->port; }

}  // namespace fleet::metrics
