// The Beast side of a WebSocket: handshake, a read loop feeding the handler, and a bounded send
// queue written one message at a time. Everything runs on the socket's strand; send() and
// close() post onto it. Per idle socket the gateway keeps this object, Beast's stream state and
// a small read buffer. Beast's one timer per stream finds dead peers: a socket that received
// nothing for half the idle timeout is pinged, and dropped when not even the pong came back
// within the whole of it (a peer that stopped reading cannot answer).
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
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

// Writing the 101, and the closing handshake.
constexpr std::chrono::seconds kCloseTimeout{10};

class Session final : public ws::Socket, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<ws::Handler> handler, SocketLimits limits)
      : ws_(std::move(socket)),
        handler_(std::move(handler)),
        capacity_(limits.queue_messages),
        idle_timeout_(limits.idle_timeout) {
    beast::error_code ec;
    auto& raw = ws_.next_layer();
    raw.set_option(tcp::no_delay(true), ec);  // ticks are small and must not wait for ACKs
    raw.set_option(net::socket_base::keep_alive(true), ec);
    if (limits.send_buffer_bytes > 0) {
      raw.set_option(net::socket_base::send_buffer_size(limits.send_buffer_bytes), ec);
    }
  }

  void start(bhttp::request<bhttp::string_body> request, std::string request_id) {
    // handshake_timeout bounds writing the 101 and, later, the closing handshake.
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = kCloseTimeout;
    timeout.idle_timeout = idle_timeout_;
    timeout.keep_alive_pings = true;
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
      self->close_with(ws::CloseReason::kServer,
                       websocket::close_reason(static_cast<std::uint16_t>(code)));
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
      // 1008 (policy violation): the client broke the bounded queue by reading too slowly. Not
      // 1013 (try again later), which says the server is overloaded; it is not.
      websocket::close_reason frame(static_cast<std::uint16_t>(ws::CloseCode::kPolicyViolation));
      frame.reason = "Client too slow";
      close_with(ws::CloseReason::kSlow, frame);
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

  // Ends the session with a close frame. A write in flight completes first (Beast queues the
  // close frame behind it); a peer that never reads would hold both, so after kCloseTimeout the
  // connection is dropped regardless. The timer exists only while closing.
  void close_with(ws::CloseReason reason, const websocket::close_reason& frame) {
    finish(reason);
    auto deadline = std::make_shared<net::steady_timer>(ws_.get_executor(), kCloseTimeout);
    deadline->async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->drop();
    });
    ws_.async_close(frame, [self = shared_from_this(), deadline](beast::error_code) {
      deadline->cancel();
    });
  }

  // Ends the session and drops the connection at once (no close handshake: a broken peer would
  // not complete it).
  void abort(ws::CloseReason reason) {
    finish(reason);
    drop();
  }

  void drop() {
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
  const std::chrono::milliseconds idle_timeout_;
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
