#include "server/server.h"

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cstdio>
#include <optional>

#include "fleet/common/logging.h"
#include "http/message.h"
#include "http/request_id.h"
#include "server/request_head.h"
#include "server/websocket_session.h"

namespace fleet::gateway::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

struct Server::Impl : std::enable_shared_from_this<Server::Impl> {
  Impl(net::io_context& ioc, Application& app, Limits limits)
      : ioc(ioc), app(app), limits(limits), acceptor(net::make_strand(ioc)), retry(ioc) {}

  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& ioc;
  Application& app;
  Limits limits;
  tcp::acceptor acceptor;
  net::steady_timer retry;
  std::atomic<std::size_t> active{0};
  std::atomic<bool> stopped{false};
};

namespace {

// What is wrong with a WebSocket upgrade request that Beast's accept would refuse (RFC 6455
// §4.2.1), checked before the application sees it so that the refusal is in the surface's error
// body rather than Beast's plain text. is_upgrade() already checked GET, HTTP/1.1, Connection and
// Upgrade. An unsupported version is 426 with the one we speak (§4.4).
struct HandshakeProblem {
  int status;
  std::string_view text;
};
std::optional<HandshakeProblem> handshake_problem(
    const bhttp::request<bhttp::string_body>& message) {
  if (message[bhttp::field::host].empty()) return HandshakeProblem{400, "Missing Host header"};
  // Beast accepts a key of 1..24 characters (base64 of 16 bytes is 24).
  const auto key = message[bhttp::field::sec_websocket_key];
  if (key.empty() || key.size() > 24) {
    return HandshakeProblem{400, "Missing or invalid Sec-WebSocket-Key header"};
  }
  const auto version = message[bhttp::field::sec_websocket_version];
  if (version.empty()) return HandshakeProblem{400, "Missing Sec-WebSocket-Version header"};
  if (version != "13") return HandshakeProblem{426, "Unsupported WebSocket version"};
  return std::nullopt;
}

std::string millis_since(std::chrono::steady_clock::time_point start) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(us.count()) / 1000.0);
  return buffer;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Server::Impl> server)
      : stream_(std::move(socket)), body_timer_(stream_.get_executor()), server_(std::move(server)) {}

  void run() {
    beast::error_code ec;
    auto endpoint = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

 private:
  // The head first, then the body: between them the server answers `Expect: 100-continue` and
  // the body gets a deadline of its own.
  void do_read() {
    body_timed_out_ = false;
    parser_.emplace();
    apply_limits(*parser_, server_->limits.header_bytes, server_->limits.body_bytes);
    stream_.expires_after(server_->limits.idle_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  void on_header(beast::error_code ec, std::size_t) {
    if (ec || parser_->is_done()) return on_read(ec, 0);
    const auto& head = parser_->get();
    const auto expect = head[bhttp::field::expect];
    // RFC 9110 §10.1.1: an HTTP/1.0 request's expectation is ignored; the only one defined is
    // 100-continue, any other may be refused with 417. A client that sent 100-continue waits
    // for the interim answer before its body (curl: up to 1 s). A body over the limit never
    // gets here: its Content-Length failed the head with 413.
    if (head.version() < 11 || expect.empty()) return read_body();
    if (!http::iequals(expect, "100-continue")) {
      note_head();
      return reply_and_close(417, "Expectation failed");
    }
    auto& interim = continue_.emplace(bhttp::status::continue_, 11);
    bhttp::async_write(stream_, interim, [self = shared_from_this()](beast::error_code write_ec,
                                                                     std::size_t) {
      self->continue_.reset();
      if (write_ec) return self->do_close();
      self->read_body();
    });
  }

  // A body shorter than its Content-Length is cut off after body_timeout and answered 408. The
  // deadline is a timer of ours that cancels the read: the stream's own expiry (kept as a
  // backstop) closes the socket, which would leave no way to answer.
  void read_body() {
    reading_body_ = true;
    body_timer_.expires_after(server_->limits.body_timeout);
    body_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || !self->reading_body_) return;  // the body was read
      self->body_timed_out_ = true;
      beast::error_code ignored;
      self->stream_.socket().cancel(ignored);
    });
    stream_.expires_after(server_->limits.idle_timeout +
                          std::chrono::duration_cast<std::chrono::seconds>(
                              server_->limits.body_timeout));
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  // For an answer given after the head only: the request's method, path and id, for the log.
  void note_head() {
    started_ = std::chrono::steady_clock::now();
    const auto& head = parser_->get();
    method_ = std::string(head.method_string());
    std::string query;
    http::split_target(head.target(), path_, query);
    request_id_ = http::request_id_for(head["X-Request-Id"]);
  }

  void on_read(beast::error_code ec, std::size_t) {
    reading_body_ = false;
    body_timer_.cancel();
    started_ = std::chrono::steady_clock::now();
    head_ = false;
    if (ec) {
      // The start line and the fields read so far are kept even when the message is refused
      // (a body over the limit is refused as soon as Content-Length is seen).
      path_.clear();
      method_.assign(1, '-');
      std::string_view client_id;
      if (parser_) {
        const auto& partial = parser_->get();
        if (!partial.target().empty()) {
          method_ = std::string(partial.method_string());
          std::string query;
          http::split_target(partial.target(), path_, query);
        }
        client_id = partial["X-Request-Id"];
      }
      request_id_ = http::request_id_for(client_id);
      if (body_timed_out_) return reply_and_close(408, "Request timeout");
      const auto refusal = read_refusal(ec);
      if (refusal.status == 0) return do_close();
      return reply_and_close(refusal.status, refusal.text);
    }

    auto message = parser_->release();
    keep_alive_ = message.keep_alive();
    version_ = message.version();
    head_ = message.method() == bhttp::verb::head;
    if (const auto refusal = transfer_encoding_refusal(message); refusal.status != 0) {
      method_ = std::string(message.method_string());
      request_id_ = http::request_id_for(message["X-Request-Id"]);
      return reply_and_close(refusal.status, refusal.text);
    }
    http::Request request = to_request(message, remote_);
    method_ = std::string(message.method_string());
    path_ = request.path;
    request_id_ = request.request_id;

    const bool upgrade = beast::websocket::is_upgrade(message);
    if (upgrade) {
      if (const auto problem = handshake_problem(message)) {
        auto refusal = server_->app.error(path_, problem->status, problem->text);
        if (problem->status == 426) refusal.set_header("Sec-WebSocket-Version", "13");
        return write(std::move(refusal), true);
      }
    }
    stream_.expires_never();  // the handler bounds itself with upstream deadlines
    ++server_->active;
    if (upgrade) {
      upgrade_request_.emplace(std::move(message));
      net::co_spawn(stream_.get_executor(), server_->app.upgrade(std::move(request)),
                    [self = shared_from_this()](std::exception_ptr error, Upgrade upgrade) {
                      self->on_upgrade(error, std::move(upgrade));
                    });
      return;
    }
    net::co_spawn(stream_.get_executor(), server_->app.handle(std::move(request)),
                  [self = shared_from_this()](std::exception_ptr error, http::Response response) {
                    self->on_handled(error, std::move(response));
                  });
  }

  void on_handled(std::exception_ptr error, http::Response response) {
    --server_->active;
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        fleet::log::ScopedRequestId scope(request_id_);
        fleet::log::error("handler_failed", {{"path", path_}, {"cause", e.what()}});
      } catch (...) {
        fleet::log::ScopedRequestId scope(request_id_);
        fleet::log::error("handler_failed", {{"path", path_}, {"cause", "unknown exception"}});
      }
      response = server_->app.error(path_, 500, "Internal server error");
    }
    write(std::move(response), !keep_alive_);
  }

  void on_upgrade(std::exception_ptr error, Upgrade upgrade) {
    if (error || !upgrade.handler) {
      upgrade_request_.reset();
      return on_handled(error, std::move(upgrade.refusal));
    }
    --server_->active;
    server_->app.on_response(path_, 101);
    {
      fleet::log::ScopedRequestId scope(request_id_);
      fleet::log::info("http_request", {{"method", method_},
                                        {"path", path_},
                                        {"status", 101},
                                        {"duration_ms", millis_since(started_)}});
    }
    // The HTTP session ends here; the socket and the request move to the WebSocket session.
    run_websocket(
        stream_.release_socket(), std::move(*upgrade_request_), std::move(upgrade.handler),
        request_id_,
        SocketLimits{server_->limits.ws_queue_messages, server_->limits.ws_send_buffer_bytes,
                     server_->limits.ws_idle_timeout});
  }

  // Answers a request that could not be read completely, then closes the connection.
  void reply_and_close(int status, std::string_view text) {
    write(server_->app.error(path_.empty() ? "/" : path_, status, text), true);
  }

  void write(http::Response response, bool close) {
    response.set_header("X-Request-Id", request_id_);
    server_->app.on_response(path_.empty() ? "/" : path_, response.status);
    {
      fleet::log::ScopedRequestId scope(request_id_);
      fleet::log::info("http_request", {{"method", method_},
                                        {"path", path_},
                                        {"status", response.status},
                                        {"duration_ms", millis_since(started_)}});
    }
    close_after_write_ = close;
    auto& out = response_.emplace();
    out.version(version_ == 10 ? 10 : 11);
    out.result(static_cast<unsigned>(response.status));
    for (auto& [name, value] : response.headers) out.insert(name, value);
    out.body() = std::move(response.body);
    out.keep_alive(!close);
    out.prepare_payload();
    if (head_) out.body().clear();  // the GET's Content-Length, and no body
    stream_.expires_after(server_->limits.idle_timeout);
    bhttp::async_write(stream_, out,
                       beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    response_.reset();
    if (ec) return;
    if (close_after_write_) return drain_and_close();
    do_read();
  }

  // After an early answer (413) the client may still be sending; closing a socket with unread
  // data resets the connection and can destroy the answer in flight. So: shut down our side,
  // read and discard for a short while, then close.
  void drain_and_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return;
    stream_.expires_after(std::chrono::seconds(2));
    do_drain();
  }

  void do_drain() {
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > 64 * 1024 * 1024) return;
                              self->do_drain();
                            });
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  beast::tcp_stream stream_;
  net::steady_timer body_timer_;
  bool reading_body_ = false;
  bool body_timed_out_ = false;  // the body's deadline passed: answer 408
  beast::flat_buffer buffer_;
  std::shared_ptr<Server::Impl> server_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;  // "100 Continue" being written
  std::optional<bhttp::request<bhttp::string_body>> upgrade_request_;
  std::string remote_;
  std::string method_, path_, request_id_;
  bool head_ = false;  // the request is a HEAD: the answer carries no body
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool close_after_write_ = false;
  std::chrono::steady_clock::time_point started_;
  std::array<char, 16 * 1024> drain_buffer_{};
  std::size_t drained_ = 0;
};

}  // namespace

boost::asio::awaitable<Upgrade> Application::upgrade(http::Request request) {
  co_return Upgrade{error(request.path, 404, "Not Found"), nullptr};
}

void Server::Impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        beast::bind_front_handler(&Impl::on_accept, shared_from_this()));
}

void Server::Impl::on_accept(beast::error_code ec, tcp::socket socket) {
  if (stopped) return;
  if (ec) {
    if (ec == net::error::operation_aborted) return;
    // Typically EMFILE: back off instead of spinning on a full descriptor table.
    fleet::log::warn("accept_failed", {{"error", ec.message()}});
    retry.expires_after(std::chrono::milliseconds(100));
    retry.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && !self->stopped) self->do_accept();
    });
    return;
  }
  std::make_shared<Session>(std::move(socket), shared_from_this())->run();
  do_accept();
}

Server::Server(net::io_context& ioc, Application& app, Limits limits)
    : impl_(std::make_shared<Impl>(ioc, app, limits)) {}

Server::~Server() { stop_accepting(); }

void Server::start(unsigned short port) {
  tcp::endpoint endpoint(net::ip::address_v4::any(), port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(net::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(net::socket_base::max_listen_connections);
  net::dispatch(acceptor.get_executor(), [impl = impl_] { impl->do_accept(); });
}

unsigned short Server::port() const {
  beast::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return ec ? 0 : endpoint.port();
}

void Server::stop_accepting() {
  if (impl_->stopped.exchange(true)) return;
  net::dispatch(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->retry.cancel();
  });
}

std::size_t Server::active_requests() const { return impl_->active.load(); }

}  // namespace fleet::gateway::server
