#include "fanout_load/client.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "fanout_load/message.h"

namespace fleet::bench {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

namespace {
class Conn;
}

// One io thread and everything its sockets touch.
struct Shard {
  net::io_context ioc{1};
  std::vector<std::shared_ptr<Conn>> conns;
  std::vector<Arrival> arrivals;
  std::map<std::string, std::size_t> errors;
  std::size_t wrong_device = 0;
  std::size_t bad_shape = 0;
};

struct LoadClient::Impl {
  ClientConfig config;
  std::chrono::steady_clock::time_point epoch;
  // One per port of ClientConfig::port: socket i connects to endpoints[i % size] (several
  // gateways, half the sockets on each).
  std::vector<tcp::endpoint> endpoints;
  std::vector<std::string> host_headers;
  std::vector<SocketTimeline> timelines;
  std::vector<std::unique_ptr<Shard>> shards;
  std::vector<std::thread> threads;
  std::atomic<std::size_t> connected{0}, failed{0}, lost{0}, closing{0}, closed{0};
  bool stopped = false;

  std::int64_t now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                                epoch)
        .count();
  }
  void stop_threads() {
    if (stopped) return;
    stopped = true;
    for (auto& s : shards) s->ioc.stop();
    for (auto& t : threads) t.join();
  }
};

namespace {

std::string describe(const char* stage, const beast::error_code& ec) {
  return std::string(stage) + ": " + ec.message();
}

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(LoadClient::Impl& owner, Shard& shard, std::uint32_t id)
      : owner_(owner), shard_(shard), id_(id), ws_(shard.ioc) {}

  const tcp::endpoint& endpoint() const {
    return owner_.endpoints[id_ % owner_.endpoints.size()];
  }

  void start() {
    timeline().launched_ns = owner_.now_ns();
    auto& stream = beast::get_lowest_layer(ws_);
    beast::error_code ec;
    stream.socket().open(endpoint().protocol(), ec);
    if (!ec && owner_.config.source_addresses > 1) {
      // Without IP_BIND_ADDRESS_NO_PORT, bind() would reserve a port per address before knowing
      // the destination, and 10,000+ sockets would run out of ports.
      int one = 1;
      ::setsockopt(stream.socket().native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
                   sizeof one);
      auto host = 0x7f000001u + id_ % static_cast<unsigned>(owner_.config.source_addresses);
      stream.socket().bind(tcp::endpoint(net::ip::address_v4(host), 0), ec);
    }
    if (ec) return fail("socket", ec);
    stream.expires_after(owner_.config.connect_timeout);
    stream.async_connect(endpoint(),
                         beast::bind_front_handler(&Conn::on_connect, shared_from_this()));
  }

  // Starts a clean WebSocket close; `closed` counts it when done.
  void close() {
    if (state_ != State::open) {
      if (state_ == State::connecting) {
        state_ = State::done;
        beast::error_code ec;
        beast::get_lowest_layer(ws_).socket().close(ec);
      }
      return;
    }
    state_ = State::closing;
    ++owner_.closing;
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
      ++self->owner_.closed;
      self->state_ = State::done;
    });
  }

 private:
  enum class State { connecting, open, closing, done };

  SocketTimeline& timeline() { return owner_.timelines[id_]; }

  void on_connect(beast::error_code ec) {
    if (ec) return fail("connect", ec);
    beast::get_lowest_layer(ws_).expires_never();
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = owner_.config.connect_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.read_message_max(64 * 1024);
    const std::string token = owner_.config.token;
    const bool in_header = owner_.config.token_in_header && !token.empty();
    ws_.set_option(
        websocket::stream_base::decorator([token, in_header](websocket::request_type& r) {
          r.set(beast::http::field::user_agent, "fleetgate-fanout-load");
          if (in_header) r.set(beast::http::field::authorization, "Bearer " + token);
        }));
    ws_.async_handshake(response_, owner_.host_headers[id_ % owner_.host_headers.size()],
                        owner_.config.target,
                        beast::bind_front_handler(&Conn::on_handshake, shared_from_this()));
  }

  void on_handshake(beast::error_code ec) {
    if (ec) return fail("handshake", ec);
    if (state_ != State::connecting) return;
    state_ = State::open;
    response_ = {};
    timeline().connected_ns = owner_.now_ns();
    ++owner_.connected;
    do_read();
  }

  void do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&Conn::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    const std::int64_t at = owner_.now_ns();  // before any parsing
    if (ec) {
      if (state_ == State::open) {
        state_ = State::done;
        timeline().lost_ns = at;
        ++owner_.lost;
        ++shard_.errors[describe("lost", ec)];
      }
      return;
    }
    auto data = buffer_.cdata();
    std::string_view text(static_cast<const char*>(data.data()), data.size());
    if (timeline().first_message_ns < 0) {
      timeline().first_message_ns = at;
      if (auto wrong = check_countdown_shape(text); !wrong.empty()) {
        ++shard_.bad_shape;
        ++shard_.errors["bad shape: " + wrong];
      }
    }
    if (auto message = scan_countdown(text)) {
      if (message->device_id != owner_.config.device) {
        ++shard_.wrong_device;
      } else {
        shard_.arrivals.push_back({id_, static_cast<std::int32_t>(message->time_left), at});
      }
    } else {
      ++shard_.bad_shape;
    }
    buffer_.consume(buffer_.size());
    do_read();
  }

  void fail(const char* stage, const beast::error_code& ec) {
    if (state_ != State::connecting) return;
    state_ = State::done;
    ++owner_.failed;
    std::string text = describe(stage, ec);
    // A refused upgrade (401, 404) says why in its status line, which Beast's error does not.
    if (std::string_view(stage) == "handshake" && response_.result_int() != 0 &&
        response_.result() != beast::http::status::switching_protocols) {
      text += " (HTTP " + std::to_string(response_.result_int()) + ")";
    }
    ++shard_.errors[text];
  }

  LoadClient::Impl& owner_;
  Shard& shard_;
  std::uint32_t id_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  websocket::response_type response_;
  State state_ = State::connecting;
};

}  // namespace

LoadClient::LoadClient(ClientConfig config, std::size_t sockets,
                       std::chrono::steady_clock::time_point epoch)
    : impl_(std::make_unique<Impl>()) {
  impl_->config = std::move(config);
  impl_->epoch = epoch;
  impl_->timelines.resize(sockets);
  {
    net::io_context ioc;
    tcp::resolver resolver(ioc);
    std::string_view ports = impl_->config.port;
    while (!ports.empty()) {
      const auto comma = ports.find(',');
      const std::string port(ports.substr(0, comma));
      ports = comma == std::string_view::npos ? std::string_view() : ports.substr(comma + 1);
      beast::error_code ec;
      auto results = resolver.resolve(impl_->config.host, port, ec);
      if (ec || results.empty()) {
        throw std::runtime_error("cannot resolve " + impl_->config.host + ":" + port + ": " +
                                 ec.message());
      }
      tcp::endpoint endpoint = results.begin()->endpoint();
      for (const auto& r : results) {
        if (r.endpoint().address().is_v4()) {
          endpoint = r.endpoint();
          break;
        }
      }
      impl_->endpoints.push_back(endpoint);
      impl_->host_headers.push_back(impl_->config.host + ":" + port);
    }
    if (impl_->endpoints.empty()) throw std::runtime_error("no port given");
  }
  if (!target_is_loopback_v4()) impl_->config.source_addresses = 1;
  const int threads = std::max(1, impl_->config.threads);
  for (int i = 0; i < threads; ++i) impl_->shards.push_back(std::make_unique<Shard>());
  for (auto& shard : impl_->shards) {
    shard->arrivals.reserve(sockets / threads * 64);
    Shard* s = shard.get();
    impl_->threads.emplace_back([s] {
      auto guard = net::make_work_guard(s->ioc);
      s->ioc.run();
    });
  }
}

LoadClient::~LoadClient() { impl_->stop_threads(); }

std::string LoadClient::url() const {
  return "ws://" + impl_->host_headers.front() + impl_->config.target;
}

bool LoadClient::target_is_loopback_v4() const {
  const auto& address = impl_->endpoints.front().address();
  return address.is_v4() && address.is_loopback();
}

void LoadClient::launch(std::size_t index) {
  Shard& shard = *impl_->shards[index % impl_->shards.size()];
  Impl& owner = *impl_;
  net::post(shard.ioc, [&owner, &shard, index] {
    auto conn = std::make_shared<Conn>(owner, shard, static_cast<std::uint32_t>(index));
    shard.conns.push_back(conn);
    conn->start();
  });
}

std::size_t LoadClient::connected() const { return impl_->connected; }
std::size_t LoadClient::failed() const { return impl_->failed; }
std::size_t LoadClient::lost() const { return impl_->lost; }

void LoadClient::shutdown(std::chrono::milliseconds wait) {
  std::atomic<std::size_t> posted{0};
  for (auto& shard : impl_->shards) {
    Shard* s = shard.get();
    net::post(s->ioc, [s, &posted] {
      for (auto& conn : s->conns) conn->close();
      ++posted;
    });
  }
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < deadline &&
         (posted < impl_->shards.size() || impl_->closed < impl_->closing)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  impl_->stop_threads();
  for (auto& shard : impl_->shards) shard->conns.clear();
}

std::vector<Arrival> LoadClient::arrivals() const {
  std::vector<Arrival> all;
  for (const auto& s : impl_->shards) all.insert(all.end(), s->arrivals.begin(), s->arrivals.end());
  return all;
}

const std::vector<SocketTimeline>& LoadClient::timelines() const { return impl_->timelines; }

std::map<std::string, std::size_t> LoadClient::errors() const {
  std::map<std::string, std::size_t> all;
  for (const auto& s : impl_->shards) {
    for (const auto& [text, n] : s->errors) all[text] += n;
  }
  return all;
}

std::size_t LoadClient::wrong_device() const {
  std::size_t n = 0;
  for (const auto& s : impl_->shards) n += s->wrong_device;
  return n;
}

std::size_t LoadClient::bad_shape() const {
  std::size_t n = 0;
  for (const auto& s : impl_->shards) n += s->bad_shape;
  return n;
}

}  // namespace fleet::bench
