#pragma once
// The HTTP/1.1 server: one listener, one session per connection with its own strand, as in
// Boost.Beast's advanced server. A session reads one request, runs the application's coroutine
// for it on the connection's strand, writes the response, and reads the next (keep-alive).
// Beast stays inside server.cpp; the application sees only http::Request and http::Response.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "http/message.h"

namespace fleet::gateway::server {

struct Limits {
  std::size_t header_bytes = 8 * 1024;
  std::size_t body_bytes = 1024 * 1024;   // larger bodies get 413
  std::chrono::seconds idle_timeout{30};  // reading a request, writing a response
};

class Application {
 public:
  virtual ~Application() = default;
  // Runs on the connection's strand. An exception becomes a 500 (cause logged, never sent).
  virtual boost::asio::awaitable<http::Response> handle(http::Request request) = 0;
  // The body for an error the server answers itself (413, 431, 400, 500), shaped by path.
  virtual http::Response error(std::string_view path, int status, std::string_view text) = 0;
};

class Server {
 public:
  Server(boost::asio::io_context& ioc, Application& app, Limits limits);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds 0.0.0.0:port (0 picks a free port) and starts accepting; throws on failure.
  void start(unsigned short port);
  unsigned short port() const;
  // Stops accepting; connections already open finish their current request.
  void stop_accepting();
  // Requests whose response has not been written yet.
  std::size_t active_requests() const;

  struct Impl;  // public so that server.cpp's sessions can hold it

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace fleet::gateway::server
