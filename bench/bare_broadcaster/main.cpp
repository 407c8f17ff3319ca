// fleetgate-bare-broadcaster: the ceiling for the countdown fan-out. A minimal Beast WebSocket
// server with the gateway's threading (one io_context run by one thread per core, a strand per
// session, a bounded send queue per session) that accepts on any path, sends the current
// countdown right after the upgrade and then the same message to every socket once a second.
// No auth, no gRPC, no routing: whatever the gateway costs beyond this is the gateway's.
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/args.h"
#include "common/sys.h"
#include "fanout_load/message.h"

namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Message = std::shared_ptr<const std::string>;

struct Settings {
  int device = 1;
  long long user_id = 1;
  int countdown = 3600;
  std::size_t queue_limit = 64;
};

struct Counters {
  std::atomic<std::size_t> accepted{0}, open{0}, dropped_slow{0};
};

class Session;

// Who is subscribed, and the latest message (the one a new socket gets at once).
class Hub {
 public:
  // Subscribes and returns the current message under one lock, so a socket gets every tick after
  // the one it starts with, none twice.
  Message join(std::uint64_t id, std::weak_ptr<Session> session) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(id, std::move(session));
    return current_;
  }
  void leave(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
  }
  void publish(const Message& message);

 private:
  std::mutex mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<Session>> sessions_;
  Message current_;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, Hub& hub, Counters& counters, const Settings& settings,
          std::uint64_t id)
      : ws_(std::move(socket)), hub_(hub), counters_(counters), settings_(settings), id_(id) {}

  ~Session() {
    if (joined_) {
      hub_.leave(id_);
      --counters_.open;
    }
  }

  void run() {
    net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
      self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
      self->ws_.async_accept(beast::bind_front_handler(&Session::on_accept, self));
    });
  }

  // From the ticker's thread: hop onto this session's strand.
  void send(Message message) {
    net::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)] {
      self->enqueue(message);
    });
  }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return;
    ws_.text(true);
    joined_ = true;
    ++counters_.open;
    if (auto current = hub_.join(id_, weak_from_this())) enqueue(current);
    do_read();
  }

  // Reads only to answer pings and see the close; clients send nothing else.
  void do_read() {
    ws_.async_read(in_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->stop();
      self->in_.consume(self->in_.size());
      self->do_read();
    });
  }

  void enqueue(const Message& message) {
    if (stopped_) return;
    if (queue_.size() >= settings_.queue_limit) {
      // A slow reader is dropped, never buffered without bound.
      ++counters_.dropped_slow;
      stop();
      beast::get_lowest_layer(ws_).socket().close();
      return;
    }
    queue_.push_back(message);
    if (queue_.size() == 1) write_front();
  }

  void write_front() {
    ws_.async_write(net::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      if (ec) return self->stop();
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) self->write_front();
                    });
  }

  void stop() {
    if (stopped_) return;
    stopped_ = true;
    queue_.clear();
    hub_.leave(id_);
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer in_;
  std::deque<Message> queue_;
  Hub& hub_;
  Counters& counters_;
  const Settings& settings_;
  std::uint64_t id_;
  bool joined_ = false;
  bool stopped_ = false;
};

void Hub::publish(const Message& message) {
  std::vector<std::shared_ptr<Session>> targets;
  {
    std::lock_guard lock(mutex_);
    current_ = message;
    targets.reserve(sessions_.size());
    for (auto& [id, weak] : sessions_) {
      if (auto s = weak.lock()) targets.push_back(std::move(s));
    }
  }
  for (auto& s : targets) s->send(message);
}

// Counts down from --countdown to 0 (status idle), then starts again. Each tick is scheduled at an
// absolute time from the countdown's start, so ticks do not drift.
class Ticker {
 public:
  Ticker(net::io_context& ioc, Hub& hub, Counters& counters, const Settings& settings)
      : timer_(net::make_strand(ioc)), hub_(hub), counters_(counters), settings_(settings) {}

  void start() {
    start_ = std::chrono::steady_clock::now();
    step_ = 0;
    tick();
  }

 private:
  void tick() {
    const long long left = settings_.countdown - step_;
    const bool running = left > 0;
    hub_.publish(std::make_shared<const std::string>(fleet::bench::render_countdown(
        settings_.device, left, running,
        running ? std::optional<std::int64_t>(settings_.user_id) : std::nullopt)));
    if (step_ % 10 == 0) {
      std::cerr << "time_left " << left << "  open " << counters_.open << "  accepted "
                << counters_.accepted << "  dropped slow " << counters_.dropped_slow << "\n";
    }
    if (!running) {
      start_ += std::chrono::seconds(step_ + 1);
      step_ = 0;
    } else {
      ++step_;
    }
    timer_.expires_at(start_ + std::chrono::seconds(step_));
    timer_.async_wait([this](beast::error_code ec) {
      if (!ec) tick();
    });
  }

  net::steady_timer timer_;
  Hub& hub_;
  Counters& counters_;
  const Settings& settings_;
  std::chrono::steady_clock::time_point start_;
  long long step_ = 0;
};

class Listener {
 public:
  Listener(net::io_context& ioc, tcp::endpoint endpoint, Hub& hub, Counters& counters,
           const Settings& settings)
      : ioc_(ioc),
        acceptor_(net::make_strand(ioc)),
        retry_(ioc),
        hub_(hub),
        counters_(counters),
        settings_(settings) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }

  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

  void accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (ec) {
        // Out of descriptors: wait instead of spinning; connections queue in the backlog.
        std::cerr << "accept: " << ec.message() << "\n";
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](beast::error_code) { accept(); });
        return;
      }
      beast::error_code ignored;
      s.set_option(tcp::no_delay(true), ignored);
      ++counters_.accepted;
      std::make_shared<Session>(std::move(s), hub_, counters_, settings_, next_id_++)->run();
      accept();
    });
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  Hub& hub_;
  Counters& counters_;
  const Settings& settings_;
  std::uint64_t next_id_ = 1;
};

}  // namespace

int main(int argc, char** argv) {
  fleet::bench::Args args(
      "fleetgate-bare-broadcaster",
      "A minimal WebSocket countdown broadcaster: the ceiling for the gateway.");
  args.option("address", "127.0.0.1", "address to listen on")
      .option("port", "8090", "port to listen on (0: any free port)")
      .option("threads", std::to_string(std::max(1u, std::thread::hardware_concurrency())),
              "io threads")
      .option("device", "1", "device_id in the messages")
      .option("user-id", "1", "user_id while running")
      .option("countdown", "3600", "seconds the countdown starts from")
      .option("queue-limit", "64", "messages queued per socket before it is dropped as slow");
  Settings settings;
  int threads = 1;
  tcp::endpoint endpoint;
  try {
    args.parse(argc, argv);
    if (args.help_requested()) {
      std::cout << args.usage();
      return 0;
    }
    settings.device = static_cast<int>(args.integer("device"));
    settings.user_id = args.integer("user-id");
    settings.countdown = static_cast<int>(args.integer("countdown"));
    settings.queue_limit = static_cast<std::size_t>(args.integer("queue-limit"));
    threads = static_cast<int>(args.integer("threads"));
    endpoint = tcp::endpoint(net::ip::make_address(args.str("address")),
                             static_cast<unsigned short>(args.integer("port")));
    if (threads < 1 || settings.countdown < 1 || settings.queue_limit < 1) {
      throw std::invalid_argument("--threads, --countdown and --queue-limit must be positive");
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n\n" << args.usage();
    return 2;
  }

  const auto nofile = fleet::bench::raise_nofile_limit();
  // Hub and counters outlive the io_context: sessions still queued in it reach them when it goes.
  Hub hub;
  Counters counters;
  net::io_context ioc(threads);
  std::unique_ptr<Listener> listener;
  try {
    listener = std::make_unique<Listener>(ioc, endpoint, hub, counters, settings);
  } catch (const std::exception& e) {
    std::cerr << "cannot listen on " << endpoint << ": " << e.what() << "\n";
    return 1;
  }
  Ticker ticker(ioc, hub, counters, settings);
  listener->accept();
  ticker.start();

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });

  std::cout << "listening on " << listener->local_endpoint() << " pid " << ::getpid() << " threads "
            << threads << " nofile " << nofile << std::endl;
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
