#pragma once
// The open WebSockets by account, each with its token's exp, so that the gateway can close them
// with a policy-violation frame (1008) when the token expires (sweep(), every second on the
// gateway's clock) or when the account is deleted or deactivated (close_account(), told by the
// account read model). Sockets of every kind register: the countdowns and the chat.
// - Bounded: at most max_sockets; add() refuses beyond that (the socket is then closed at once).
// - Sharded by account id, one mutex per shard; closing only posts onto each socket's strand
//   (ws::Socket::close), so no io thread ever waits on a client.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fleet/common/clock.h"
#include "server/websocket.h"

namespace fleet::gateway::app {
class Metrics;
}

namespace fleet::gateway::realtime {

class SocketRegistry {
 public:
  struct Limits {
    std::size_t max_sockets = 1'000'000;
    std::size_t shards = 16;
  };
  using Ticket = std::uint64_t;

  SocketRegistry(const Clock& clock, app::Metrics& metrics, Limits limits);
  SocketRegistry(const Clock& clock, app::Metrics& metrics)
      : SocketRegistry(clock, metrics, Limits{}) {}

  // Registers an open socket of `user_id` whose token expires at `expires_at`; nullopt when the
  // registry is full or the token has expired already (the caller closes the socket).
  std::optional<Ticket> add(std::int64_t user_id, Clock::time_point expires_at,
                            std::weak_ptr<ws::Socket> socket);
  // The socket closed (on_close); idempotent.
  void remove(std::int64_t user_id, Ticket ticket);
  // Closes every socket of the account; returns how many.
  std::size_t close_account(std::int64_t user_id);
  // Closes every socket whose token's exp is at or before now; returns how many.
  std::size_t sweep();
  // Shutdown: closes every socket with 1001 (going away) and refuses new ones; returns how many.
  std::size_t close_for_shutdown();
  std::size_t size() const;

 private:
  struct Entry {
    std::int64_t user_id;
    Clock::time_point expires_at;
    std::weak_ptr<ws::Socket> socket;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<Ticket, Entry> entries;
    std::unordered_multimap<std::int64_t, Ticket> by_user;
    std::set<std::pair<Clock::time_point, Ticket>> by_expiry;  // soonest first
  };
  Shard& shard_of(std::int64_t user_id) const;
  // Under the shard's lock: forgets the entry and returns its socket.
  static std::shared_ptr<ws::Socket> take(Shard& shard, Ticket ticket);
  void close_all(const std::vector<std::shared_ptr<ws::Socket>>& sockets, bool expired);
  // Under each shard's lock: forgets every entry and returns their sockets.
  std::vector<std::shared_ptr<ws::Socket>> take_every();

  const Clock& clock_;
  app::Metrics& metrics_;
  const std::size_t max_sockets_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::size_t> size_{0};
  std::atomic<Ticket> next_ticket_{1};
  std::atomic<bool> shutting_down_{false};
};

}  // namespace fleet::gateway::realtime
