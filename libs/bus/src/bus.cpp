#include "fleet/bus/bus.h"

#include <nats/nats.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>

#include "fleet/common/logging.h"

namespace fleet::bus {
namespace {

// A lost server is tried again every quarter second, forever: events resume soon after it is
// back. Pings every 5 s, two unanswered: a silent server is noticed within about 10 s.
constexpr int kReconnectWaitMs = 250;
constexpr int kConnectTimeoutMs = 1000;
constexpr int kPingIntervalMs = 5000;
constexpr int kMaxPingsOut = 2;
constexpr auto kCloseWait = std::chrono::seconds(2);

void check(natsStatus status, const char* what) {
  if (status != NATS_OK) {
    throw std::runtime_error(std::string("NATS ") + what + ": " + natsStatus_GetText(status));
  }
}

}  // namespace

const char* to_string(Event event) {
  switch (event) {
    case Event::kConnected:
      return "connected";
    case Event::kLost:
      return "lost";
    case Event::kRestored:
      return "restored";
    case Event::kGap:
      break;
  }
  return "gap";
}

struct Bus::Native {
  natsConnection* connection = nullptr;
  std::atomic<bool> closing{false};
  // The client runs the connection's callbacks on a thread of its own, in order, the closed
  // callback last: once it has run, none of ours touches the Bus again.
  std::mutex mutex;
  std::condition_variable closed_cv;
  bool closed = false;

  void wait_closed() {
    std::unique_lock lock(mutex);
    closed_cv.wait_for(lock, kCloseWait, [&] { return closed; });
  }
  static void on_closed(natsConnection*, void* closure) {
    Native& self = *bus(closure).native_;
    std::lock_guard lock(self.mutex);
    self.closed = true;
    self.closed_cv.notify_all();
  }

  static Bus& bus(void* closure) { return *static_cast<Bus*>(closure); }

  static void on_connected(natsConnection*, void* closure) {
    bus(closure).connected_ = true;
    bus(closure).notify(Event::kConnected);
  }
  static void on_disconnected(natsConnection*, void* closure) {
    Bus& self = bus(closure);
    if (self.native_ == nullptr || self.native_->closing) return;
    self.connected_ = false;
    self.was_lost_ = true;
    self.notify(Event::kLost);
  }
  static void on_reconnected(natsConnection*, void* closure) {
    bus(closure).connected_ = true;
    bus(closure).notify(Event::kRestored);
  }
  static void on_error(natsConnection*, natsSubscription*, natsStatus error, void* closure) {
    if (error == NATS_SLOW_CONSUMER) {
      bus(closure).notify(Event::kGap);
    } else {
      log::warn("bus_error", {{"error", natsStatus_GetText(error)}});
    }
  }
};

struct Bus::Subscription {
  Bus* bus = nullptr;
  Handler handler;
  natsSubscription* native = nullptr;
  std::mutex mutex;
  std::condition_variable done;
  bool complete = false;

  static void on_message(natsConnection*, natsSubscription*, natsMsg* message, void* closure) {
    auto& self = *static_cast<Subscription*>(closure);
    ++self.bus->received_;
    try {
      self.handler(std::string_view(natsMsg_GetData(message),
                                    static_cast<std::size_t>(natsMsg_GetDataLength(message))));
    } catch (const std::exception& error) {
      // Nothing may unwind into the C client; a message a handler cannot take is a gap.
      log::error("bus_handler_failed",
                 {{"subject", natsMsg_GetSubject(message)}, {"error", error.what()}});
      self.bus->notify(Event::kGap);
    }
    natsMsg_Destroy(message);
  }
  static void on_complete(void* closure) {
    auto& self = *static_cast<Subscription*>(closure);
    std::lock_guard lock(self.mutex);
    self.complete = true;
    self.done.notify_all();
  }
};

Bus::Bus(const Settings& settings, const std::string& client_name, Listener listener)
    : listener_(std::move(listener)), native_(std::make_unique<Native>()) {
  if (!settings.enabled()) throw std::invalid_argument("Bus needs at least one server");
  natsOptions* options = nullptr;
  check(natsOptions_Create(&options), "options");
  std::vector<const char*> servers;
  for (const auto& server : settings.servers) servers.push_back(server.c_str());
  natsStatus status = natsOptions_SetServers(options, servers.data(),
                                             static_cast<int>(servers.size()));
  if (status == NATS_OK) status = natsOptions_SetName(options, client_name.c_str());
  if (status == NATS_OK) status = natsOptions_SetNoEcho(options, true);
  if (status == NATS_OK) status = natsOptions_SetMaxReconnect(options, -1);
  if (status == NATS_OK) status = natsOptions_SetReconnectWait(options, kReconnectWaitMs);
  if (status == NATS_OK) status = natsOptions_SetTimeout(options, kConnectTimeoutMs);
  if (status == NATS_OK) status = natsOptions_SetPingInterval(options, kPingIntervalMs);
  if (status == NATS_OK) status = natsOptions_SetMaxPingsOut(options, kMaxPingsOut);
  if (status == NATS_OK) {
    status = natsOptions_SetDisconnectedCB(options, &Native::on_disconnected, this);
  }
  if (status == NATS_OK) {
    status = natsOptions_SetReconnectedCB(options, &Native::on_reconnected, this);
  }
  if (status == NATS_OK) status = natsOptions_SetErrorHandler(options, &Native::on_error, this);
  if (status == NATS_OK) status = natsOptions_SetClosedCB(options, &Native::on_closed, this);
  if (status == NATS_OK) {
    status = natsOptions_SetRetryOnFailedConnect(options, true, &Native::on_connected, this);
  }
  if (status == NATS_OK) status = natsConnection_Connect(&native_->connection, options);
  natsOptions_Destroy(options);
  if (status == NATS_OK) {
    connected_ = true;
    notify(Event::kConnected);
  } else if (status != NATS_NOT_YET_CONNECTED) {
    check(status, "connect");
  }
}

Bus::~Bus() {
  native_->closing = true;
  natsConnection_Close(native_->connection);
  native_->wait_closed();  // a disconnected callback may still be queued until then
  for (auto& subscription : subscriptions_) {
    std::unique_lock lock(subscription->mutex);
    subscription->done.wait_for(lock, kCloseWait, [&] { return subscription->complete; });
    lock.unlock();
    natsSubscription_Destroy(subscription->native);
  }
  natsConnection_Destroy(native_->connection);
}

bool Bus::publish(const std::string& subject, std::string_view payload) {
  const natsStatus status = natsConnection_Publish(native_->connection, subject.c_str(),
                                                   payload.data(),
                                                   static_cast<int>(payload.size()));
  if (status != NATS_OK) return false;
  ++published_;
  return true;
}

void Bus::subscribe(const std::string& subject, Handler handler) {
  auto subscription = std::make_unique<Subscription>();
  subscription->bus = this;
  subscription->handler = std::move(handler);
  check(natsConnection_Subscribe(&subscription->native, native_->connection, subject.c_str(),
                                 &Subscription::on_message, subscription.get()),
        "subscribe");
  check(natsSubscription_SetPendingLimits(subscription->native, kPendingLimit, -1),
        "pending limits");
  check(natsSubscription_SetOnCompleteCB(subscription->native, &Subscription::on_complete,
                                         subscription.get()),
        "subscription completion");
  // Once the server has the subscription, whatever is published next reaches it. Not yet
  // connected: it is sent with the connection, and the owner hears kConnected after that.
  natsConnection_FlushTimeout(native_->connection, kConnectTimeoutMs);
  std::lock_guard lock(mutex_);
  subscriptions_.push_back(std::move(subscription));
}

void Bus::notify(Event event) {
  log::info("bus", {{"state", to_string(event)}});
  if (listener_) listener_(event);
}

}  // namespace fleet::bus
