#pragma once
// A process's connection to the change bus (NATS): fire-and-forget publishing and ordered
// subscriptions, with the connection's ups and downs reported to the owner.
//
// NATS delivers at most once: a message sent while a subscriber is disconnected, or dropped
// because the subscriber fell behind, is gone. So the owner hears every such gap (kLost, then
// kRestored; kGap) and must start over from its source of truth: a replica ends its watch
// streams (their clients re-read a snapshot), a cache drops what it holds.
//
// Callbacks run on the client's own threads, never on the caller's: handlers must be
// thread-safe and post to their own strand before touching anything else. Our own messages are
// not echoed back to us (the publisher already applied them).
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/bus/settings.h"

namespace fleet::bus {

enum class Event {
  kConnected,  // the first connection is up
  kLost,       // the connection dropped: messages may be missed until kRestored
  kRestored,   // back after kLost (subscriptions are renewed)
  kGap,        // a subscriber fell behind its pending limit and messages were dropped
};
const char* to_string(Event event);

class Bus {
 public:
  using Listener = std::function<void(Event)>;
  using Handler = std::function<void(std::string_view payload)>;
  // Messages waiting per subscription before the client drops them (and reports kGap).
  static constexpr int kPendingLimit = 65536;

  // Starts connecting in the background and returns at once: a bus that is down at start is
  // retried forever, like a lost one. `client_name` shows in the server's monitoring.
  Bus(const Settings& settings, const std::string& client_name, Listener listener);
  ~Bus();  // closes, and waits for the handlers that are running to return
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  bool connected() const { return connected_.load(); }
  // Queues `payload` for every subscriber of `subject`. While reconnecting, the client keeps
  // what it is given in a bounded buffer; false when it refused it (the subscribers will hear
  // of a gap instead).
  bool publish(const std::string& subject, std::string_view payload);
  // `handler` gets each message of `subject`, in the order one publisher sent them: every
  // message published after this returns while connected (it waits up to a second for the
  // server to confirm).
  void subscribe(const std::string& subject, Handler handler);

  std::uint64_t published() const { return published_.load(); }
  std::uint64_t received() const { return received_.load(); }

 private:
  struct Native;
  struct Subscription;

  void notify(Event event);

  const Listener listener_;
  std::unique_ptr<Native> native_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Subscription>> subscriptions_;
  std::atomic<bool> connected_{false};
  std::atomic<bool> was_lost_{false};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> received_{0};
};

}  // namespace fleet::bus
