#pragma once
// Keeps one server stream open for the life of the process: the change feeds behind the
// gateway's caches (accounts, devices, the services' changes). It opens the stream, hands every
// event on, and when the stream ends tells the owner (whose cache is then no longer current)
// and reopens it after a backoff that doubles up to a cap and starts over once an event arrives.
//
//   auto feed = Subscription<userpb::AccountEvent>::start(ioc, "user.WatchAccounts",
//       [&](auto callbacks) { return upstream.stream(&UserRpc::WatchAccounts, request,
//                                                    std::move(callbacks)); },
//       {.on_event = ..., .on_lost = ...});
//   ...
//   feed->stop();  // before the io_context goes
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "fleet/common/logging.h"
#include "upstream/stream.h"

namespace fleet::gateway::upstream {

struct Backoff {
  std::chrono::milliseconds min{100};
  // Small: a restarted service is used again within a second or two (issue #11 item 4).
  std::chrono::milliseconds max{1000};
};

template <typename Event>
class Subscription : public std::enable_shared_from_this<Subscription<Event>> {
 public:
  using Open = std::function<std::shared_ptr<Watch>(StreamCallbacks<Event>)>;
  struct Handlers {
    std::function<void(const Event&)> on_event;         // gRPC thread, in order
    std::function<void(const grpc::Status&)> on_lost;   // gRPC thread, once per stream
  };

  static std::shared_ptr<Subscription> start(boost::asio::io_context& ioc, std::string name,
                                             Open open, Handlers handlers, Backoff backoff = {}) {
    auto subscription = std::shared_ptr<Subscription>(
        new Subscription(ioc, std::move(name), std::move(open), std::move(handlers), backoff));
    subscription->open_stream();
    return subscription;
  }

  // Cancels the stream and opens no other. Thread-safe; on_lost still runs for the cancelled one.
  void stop() {
    std::shared_ptr<Watch> watch;
    {
      std::lock_guard lock(mutex_);
      stopped_ = true;
      timer_.cancel();
      watch = std::move(watch_);
    }
    if (watch) watch->cancel();
  }

 private:
  Subscription(boost::asio::io_context& ioc, std::string name, Open open, Handlers handlers,
               Backoff backoff)
      : name_(std::move(name)), open_(std::move(open)), handlers_(std::move(handlers)),
        backoff_(backoff), delay_(backoff.min), timer_(ioc) {}

  void open_stream() {
    std::uint64_t generation;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      generation = ++generation_;
    }
    std::weak_ptr<Subscription> weak = this->shared_from_this();
    // Not under the lock: a stream may end at once, inside open_.
    auto watch = open_(StreamCallbacks<Event>{
        [weak](const Event& event) {
          if (auto self = weak.lock()) self->on_event(event);
        },
        [weak, generation](const grpc::Status& status) {
          if (auto self = weak.lock()) self->on_done(generation, status);
        }});
    std::unique_lock lock(mutex_);
    if (stopped_) {
      lock.unlock();
      if (watch) watch->cancel();
      return;
    }
    if (generation == generation_) watch_ = std::move(watch);
  }

  void on_event(const Event& event) {
    {
      std::lock_guard lock(mutex_);
      delay_ = backoff_.min;
    }
    handlers_.on_event(event);
  }

  void on_done(std::uint64_t generation, const grpc::Status& status) {
    handlers_.on_lost(status);
    std::lock_guard lock(mutex_);
    if (stopped_ || generation != generation_) return;
    watch_.reset();
    const auto delay = delay_;
    delay_ = std::min(delay_ * 2, backoff_.max);
    fleet::log::warn("stream_lost", {{"stream", name_},
                                     {"code", static_cast<int>(status.error_code())},
                                     {"retry_ms", static_cast<std::int64_t>(delay.count())}});
    timer_.expires_after(delay);
    std::weak_ptr<Subscription> weak = this->shared_from_this();
    timer_.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->open_stream();
    });
  }

  const std::string name_;
  const Open open_;
  const Handlers handlers_;
  const Backoff backoff_;
  std::mutex mutex_;
  bool stopped_ = false;
  std::uint64_t generation_ = 0;
  std::chrono::milliseconds delay_;
  boost::asio::steady_timer timer_;  // guarded by mutex_: gRPC threads and stop() both use it
  std::shared_ptr<Watch> watch_;
};

}  // namespace fleet::gateway::upstream
