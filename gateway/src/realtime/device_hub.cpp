#include "realtime/device_hub.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <unordered_map>

#include "fleet/common/logging.h"
#include "realtime/device_state.h"

namespace fleet::gateway::realtime {
namespace net = boost::asio;
using std::chrono::milliseconds;

namespace {
// Ticks fire this long after the whole seconds left change, so that the value computed at the
// tick is already the new one despite timer jitter.
constexpr milliseconds kTickSlack{10};
}  // namespace

// Everything below runs on `strand`, except the atomics and the Watch callbacks (gRPC threads),
// which only post to it.
struct DeviceHub::Channel : std::enable_shared_from_this<DeviceHub::Channel> {
  Channel(net::io_context& ioc, std::int64_t id, upstream::Upstream& upstream, const Clock& clock,
          app::Metrics& metrics, const HubOptions& options)
      : strand(net::make_strand(ioc)),
        tick_timer(strand),
        linger_timer(strand),
        retry_timer(strand),
        id(id),
        upstream(upstream),
        clock(clock),
        metrics(metrics),
        options(options),
        backoff(options.backoff_min) {}

  struct Subscriber {
    Feed feed;
    std::shared_ptr<ws::Socket> socket;
  };

  void add(Ticket ticket, Subscriber subscriber) {
    if (stopped) return;
    ++counts[static_cast<int>(subscriber.feed)];
    auto& added = subscribers.emplace(ticket, std::move(subscriber)).first->second;
    linger_timer.cancel();
    if (state) {
      send_current(added);
      if (added.feed == Feed::kTimeleft && !ticking) schedule_tick();
    }
    if (!watch && !retry_pending) open_watch();
  }

  void remove(Ticket ticket) {
    auto it = subscribers.find(ticket);
    if (it == subscribers.end()) return;
    --counts[static_cast<int>(it->second.feed)];
    subscribers.erase(it);
    if (counts[static_cast<int>(Feed::kTimeleft)] == 0) stop_ticking();
    if (!subscribers.empty() || stopped) return;
    linger_timer.expires_after(options.linger);
    linger_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      // A cancelled wait may already be queued: the subscriber check decides.
      if (!ec && self->subscribers.empty()) self->close_watch();
    });
  }

  void open_watch() {
    const auto generation = ++watch_generation;
    std::weak_ptr<Channel> weak = shared_from_this();
    auto on_strand = strand;
    metrics.stream_opened();
    upstream::WatchCallbacks callbacks{
        [weak, on_strand, generation](const upstream::dspb::DeviceEvent& event) {
          net::post(on_strand, [weak, generation, event] {
            if (auto self = weak.lock()) self->on_event(generation, event);
          });
        },
        [weak, on_strand, generation, &metrics = metrics](const grpc::Status& status) {
          metrics.stream_closed();
          net::post(on_strand, [weak, generation, status] {
            if (auto self = weak.lock()) self->on_done(generation, status);
          });
        }};
    watch = upstream.watch_device(id, std::move(callbacks));
  }

  void close_watch() {
    if (watch) watch->cancel();
    watch.reset();
    ++watch_generation;  // late callbacks of the old stream are ignored
    retry_timer.cancel();
    retry_pending = false;
    stop_ticking();
    state.reset();  // stale without a stream; the next subscriber waits for a fresh snapshot
    last_status.reset();
    backoff = options.backoff_min;
  }

  void on_event(std::uint64_t generation, const upstream::dspb::DeviceEvent& event) {
    if (generation != watch_generation || stopped) return;
    backoff = options.backoff_min;
    known = true;
    auto next = DeviceState::from(event.device());
    if (state && next.version < state->version) return;  // behind a write's reply: stale
    if (state && *state == next) return;  // e.g. the snapshot after a reconnect
    show(std::move(next));
  }

  // A write's own reply: only over a state this channel holds (else the next snapshot tells).
  void apply(const dspb::Device& device) {
    if (stopped || !state) return;
    auto next = DeviceState::from(device);
    if (next.version <= state->version) return;
    show(std::move(next));
  }

  void show(DeviceState next) {
    state = std::move(next);
    last_status = std::make_shared<const std::string>(status_message(id, *state));
    // The first state, a start, a stop or an expiry: every socket hears of it at once.
    const auto now = clock.now();
    auto timeleft = std::make_shared<const std::string>(timeleft_message(id, *state, now));
    for (auto& [ticket, subscriber] : subscribers) {
      subscriber.socket->send(subscriber.feed == Feed::kTimeleft ? timeleft : last_status);
    }
    if (counts[static_cast<int>(Feed::kTimeleft)] > 0) schedule_tick();  // realign to end_time
  }

  void on_done(std::uint64_t generation, const grpc::Status& status) {
    if (generation != watch_generation) return;
    watch.reset();
    if (stopped || subscribers.empty()) return;
    fleet::log::warn("device_watch_ended",
                     {{"device_id", id},
                      {"code", static_cast<int>(status.error_code())},
                      {"retry_ms", static_cast<std::int64_t>(backoff.count())}});
    retry_pending = true;
    retry_timer.expires_after(backoff);
    backoff = std::min(backoff * 2, options.backoff_max);
    retry_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || !self->retry_pending) return;
      self->retry_pending = false;
      if (!self->stopped && !self->subscribers.empty() && !self->watch) self->open_watch();
    });
  }

  // The current state to one new subscriber.
  void send_current(Subscriber& subscriber) {
    if (subscriber.feed == Feed::kStatus) {
      subscriber.socket->send(last_status);
    } else {
      subscriber.socket->send(
          std::make_shared<const std::string>(timeleft_message(id, *state, clock.now())));
    }
  }

  void tick() {
    if (!state || stopped) return;
    auto message = std::make_shared<const std::string>(timeleft_message(id, *state, clock.now()));
    for (auto& [ticket, subscriber] : subscribers) {
      if (subscriber.feed == Feed::kTimeleft) subscriber.socket->send(message);
    }
  }

  // Arms the tick timer for the next moment the whole seconds left change (every second).
  void schedule_tick() {
    if (!options.ticks || stopped || !state) return;
    ticking = true;
    milliseconds delay{1000};
    const auto now = clock.now();
    if (state->running_at(now)) {
      const auto left = *state->end_time - now;
      const auto fraction = left - std::chrono::floor<std::chrono::seconds>(left);
      delay = std::chrono::ceil<milliseconds>(fraction) + kTickSlack;
    }
    const auto generation = ++tick_generation;
    tick_timer.expires_after(delay);
    tick_timer.async_wait(
        [self = shared_from_this(), generation](const boost::system::error_code& ec) {
          if (ec || generation != self->tick_generation || !self->ticking) return;
          self->tick();
          self->schedule_tick();
        });
  }

  void stop_ticking() {
    ticking = false;
    ++tick_generation;
    tick_timer.cancel();
  }

  void stop() {
    stopped = true;
    close_watch();
    linger_timer.cancel();
    subscribers.clear();
  }

  net::strand<net::io_context::executor_type> strand;
  net::steady_timer tick_timer;
  net::steady_timer linger_timer;
  net::steady_timer retry_timer;
  const std::int64_t id;
  upstream::Upstream& upstream;
  const Clock& clock;
  app::Metrics& metrics;
  const HubOptions options;

  std::unordered_map<Ticket, Subscriber> subscribers;
  int counts[2] = {0, 0};  // subscribers per Feed
  std::optional<DeviceState> state;
  std::shared_ptr<const std::string> last_status;
  std::shared_ptr<upstream::Watch> watch;
  std::uint64_t watch_generation = 0;
  std::uint64_t tick_generation = 0;
  milliseconds backoff;
  bool retry_pending = false;
  bool ticking = false;
  bool stopped = false;
  std::atomic<bool> known{false};
};

DeviceHub::DeviceHub(net::io_context& ioc, upstream::Upstream& upstream, const Clock& clock,
                     app::Metrics& metrics, HubOptions options)
    : ioc_(ioc), upstream_(upstream), clock_(clock), metrics_(metrics), options_(options) {}

DeviceHub::~DeviceHub() { shutdown(); }

std::shared_ptr<DeviceHub::Channel> DeviceHub::channel(std::int64_t device_id, bool create) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(device_id);
  if (it != channels_.end()) return it->second;
  if (!create) return nullptr;
  auto made = std::make_shared<Channel>(ioc_, device_id, upstream_, clock_, metrics_, options_);
  channels_.emplace(device_id, made);
  return made;
}

bool DeviceHub::knows(std::int64_t device_id) const {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(device_id);
  return it != channels_.end() && it->second->known.load();
}

DeviceHub::Ticket DeviceHub::subscribe(std::int64_t device_id, Feed feed,
                                       std::shared_ptr<ws::Socket> socket) {
  const Ticket ticket = next_ticket_++;
  auto target = channel(device_id, true);
  net::post(target->strand, [target, ticket, feed, socket = std::move(socket)]() mutable {
    target->add(ticket, Channel::Subscriber{feed, std::move(socket)});
  });
  return ticket;
}

void DeviceHub::unsubscribe(std::int64_t device_id, Ticket ticket) {
  auto target = channel(device_id, false);
  if (!target) return;
  net::post(target->strand, [target, ticket] { target->remove(ticket); });
}

void DeviceHub::apply(const upstream::dspb::Device& device) {
  auto target = channel(device.id(), false);
  if (!target) return;
  net::post(target->strand, [target, device] { target->apply(device); });
}

void DeviceHub::tick(std::int64_t device_id) {
  auto target = channel(device_id, false);
  if (!target) return;
  net::post(target->strand, [target] { target->tick(); });
}

void DeviceHub::shutdown() {
  std::lock_guard lock(mutex_);
  for (auto& [id, target] : channels_) target->stop();
}

}  // namespace fleet::gateway::realtime
