// The Beast side of a WebSocket: handshake, a read loop feeding the handler, and a bounded send
// queue written one message at a time. Everything runs on the socket's strand; send() and
// close() post onto it. Per idle socket the gateway keeps this object, Beast's stream state and
// a small read buffer: no per-socket timer runs after the handshake, and dead peers are found by
// TCP keep-alive or by the next write.
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>

#include "fleet/common/logging.h"
#include "server/websocket_session.h"

namespace fleet::gateway::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {

class Session final : public ws::Socket, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ws::Handler> handler, SocketLimits limits)
      : ws_(std::move(socket)), handler_(std::move(handler)), capacity_(limits.queue_messages) {
    beast::error_code ec;
    auto& raw = ws_.next_layer();
    raw.set_option(tcp::no_delay(true), ec);  // ticks are small and must not wait for ACKs
    raw.set_option(net::socket_base::keep_alive(true), ec);
    if (limits.send_buffer_bytes > 0) {
      raw.set_option(net::socket_base::send_buffer_size(limits.send_buffer_bytes), ec);
    }
  }

  void start(bhttp::request<bhttp::string_body> request, std::string request_id) {
    // The handshake has a deadline; after it, no timer runs for this socket.
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(30);
    timeout.idle_timeout = websocket::stream_base::none();
    timeout.keep_alive_pings = false;
    ws_.set_option(timeout);
    websocket::permessage_deflate deflate;
    deflate.server_enable = false;
    deflate.client_enable = false;
    ws_.set_option(deflate);
    ws_.read_message_max(handler_->read_limit());
    ws_.auto_fragment(false);
    ws_.set_option(websocket::stream_base::decorator(
        [id = std::move(request_id)](websocket::response_type& response) {
          response.set(bhttp::field::server, "fleetgate");
          response.set("X-Request-Id", id);
        }));
    // Beast builds the 101 response from the request at once; the request need not outlive this.
    ws_.async_accept(request,
                     [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  void send(std::shared_ptr<const std::string> text) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->enqueue(std::move(text));
    });
  }

  void close(ws::CloseCode code) override {
    net::post(ws_.get_executor(), [self = shared_from_this(), code] {
      if (self->finished_) return;
      self->finish(ws::CloseReason::kServer);
      // A write in flight completes first: Beast queues the close frame behind it.
      self->ws_.async_close(websocket::close_reason(static_cast<std::uint16_t>(code)),
                            [self](beast::error_code) {});
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) {
      handler_.reset();  // never opened: the handler hears nothing
      finished_ = true;
      return;
    }
    open_ = true;
    handler_->on_open(shared_from_this());
    if (!finished_) do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      self->on_read(ec);
    });
  }

  void on_read(beast::error_code ec) {
    if (finished_) return;
    if (ec) {
      const bool peer = ec == websocket::error::closed || ec == net::error::eof ||
                        ec == net::error::connection_reset || ec == net::error::broken_pipe;
      abort(peer ? ws::CloseReason::kPeer : ws::CloseReason::kError);
      return;
    }
    const auto data = buffer_.cdata();
    handler_->on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    if (!finished_) do_read();
  }

  void enqueue(std::shared_ptr<const std::string> text) {
    if (finished_ || !open_) return;
    if (queue_.size() >= capacity_) {
      abort(ws::CloseReason::kSlow);
      return;
    }
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    ws_.text(true);
    // The handler holds the message: finish() may clear the queue while the write is in flight.
    auto message = queue_.front();
    ws_.async_write(net::buffer(*message),
                    [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      if (self->finished_) return;
                      if (ec) {
                        self->abort(ws::CloseReason::kError);
                        return;
                      }
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) self->write_next();
                    });
  }

  // Ends the session and drops the connection at once (no close handshake: a slow or broken
  // peer would not complete it).
  void abort(ws::CloseReason reason) {
    finish(reason);
    beast::error_code ec;
    auto& raw = ws_.next_layer();
    raw.shutdown(tcp::socket::shutdown_both, ec);
    raw.close(ec);
  }

  void finish(ws::CloseReason reason) {
    if (finished_) return;
    finished_ = true;
    queue_.clear();
    auto handler = std::move(handler_);  // breaks the handler -> socket -> handler cycle
    if (open_ && handler) handler->on_close(reason);
  }

  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ws::Handler> handler_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  const std::size_t capacity_;
  bool open_ = false;
  bool writing_ = false;
  bool finished_ = false;
};

}  // namespace

void run_websocket(tcp::socket socket, bhttp::request<bhttp::string_body> request,
                   std::shared_ptr<ws::Handler> handler, std::string request_id,
                   SocketLimits limits) {
  auto session = std::make_shared<Session>(std::move(socket), std::move(handler), limits);
  session->start(std::move(request), std::move(request_id));
}

}  // namespace fleet::gateway::server
