#pragma once
// The HTTP/1.1 server: one listener, one session per connection with its own strand, as in
// Boost.Beast's advanced server. A session reads one request, runs the application's coroutine
// for it on the connection's strand, writes the response, and reads the next (keep-alive).
// A WebSocket upgrade request goes to Application::upgrade, which refuses it with an HTTP
// response or accepts it with a ws::Handler; the server then hands the connection to a WebSocket
// session (server/websocket.cpp) and frees the HTTP session's buffers.
// Beast stays inside server.cpp and websocket.cpp; the application sees only http::Request,
// http::Response and the ws:: interfaces.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string_view>

#include "http/message.h"
#include "server/websocket.h"

namespace fleet::gateway::server {

struct Limits {
  std::size_t header_bytes = 8 * 1024;
  std::size_t body_bytes = 1024 * 1024;   // larger bodies get 413
  std::chrono::seconds idle_timeout{30};  // reading a request's head, writing a response
  // Reading a body once its head is in: a body shorter than its Content-Length is answered 408
  // then. Shorter than idle_timeout: the largest body (1 MiB) takes well under a second even on
  // a slow link, and a stalled one should not hold the connection for long.
  std::chrono::milliseconds body_timeout{10'000};
  std::size_t ws_queue_messages = 64;     // per WebSocket; a full queue closes the slow client
  int ws_send_buffer_bytes = 0;           // SO_SNDBUF of WebSockets; 0 keeps the default
  // A WebSocket that received nothing for half of this is pinged, and closed when nothing (not
  // even the pong) came for all of it: a dead peer or one that never reads is dropped.
  std::chrono::milliseconds ws_idle_timeout{30'000};
};

// The application's answer to a WebSocket upgrade request.
struct Upgrade {
  http::Response refusal;                // sent when there is no handler
  std::shared_ptr<ws::Handler> handler;  // accept the upgrade and run this handler
};

class Application {
 public:
  virtual ~Application() = default;
  // Runs on the connection's strand. An exception becomes a 500 (cause logged, never sent).
  virtual boost::asio::awaitable<http::Response> handle(http::Request request) = 0;
  // The body for an error the server answers itself (400, 408, 413, 417, 431, 500), shaped by
  // path.
  virtual http::Response error(std::string_view path, int status, std::string_view text) = 0;
  // Runs on the connection's strand for a WebSocket upgrade request. By default: 404.
  virtual boost::asio::awaitable<Upgrade> upgrade(http::Request request);
  // Every response the server writes (an accepted upgrade counts as 101), for metrics.
  virtual void on_response(std::string_view /*path*/, int /*status*/) {}
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
