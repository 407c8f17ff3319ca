#include "realtime/socket_registry.h"

#include <algorithm>

#include "app/metrics.h"

namespace fleet::gateway::realtime {

SocketRegistry::SocketRegistry(const Clock& clock, app::Metrics& metrics, Limits limits)
    : clock_(clock), metrics_(metrics), max_sockets_(limits.max_sockets) {
  const auto shards = std::max<std::size_t>(1, limits.shards);
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

SocketRegistry::Shard& SocketRegistry::shard_of(std::int64_t user_id) const {
  return *shards_[static_cast<std::uint64_t>(user_id) % shards_.size()];
}

std::optional<SocketRegistry::Ticket> SocketRegistry::add(std::int64_t user_id,
                                                          Clock::time_point expires_at,
                                                          std::weak_ptr<ws::Socket> socket) {
  if (expires_at <= clock_.now()) return std::nullopt;
  // Reserve a place first: concurrent adds never pass the bound together.
  if (size_.fetch_add(1) >= max_sockets_) {
    size_.fetch_sub(1);
    return std::nullopt;
  }
  const Ticket ticket = next_ticket_.fetch_add(1);
  auto& shard = shard_of(user_id);
  std::lock_guard lock(shard.mutex);
  // Under the lock: either close_for_shutdown() empties this shard after us, or we see its flag.
  if (shutting_down_.load()) {
    size_.fetch_sub(1);
    return std::nullopt;
  }
  shard.entries.emplace(ticket, Entry{user_id, expires_at, std::move(socket)});
  shard.by_user.emplace(user_id, ticket);
  shard.by_expiry.emplace(expires_at, ticket);
  return ticket;
}

std::shared_ptr<ws::Socket> SocketRegistry::take(Shard& shard, Ticket ticket) {
  const auto it = shard.entries.find(ticket);
  if (it == shard.entries.end()) return nullptr;
  auto socket = it->second.socket.lock();
  shard.by_expiry.erase({it->second.expires_at, ticket});
  auto [first, last] = shard.by_user.equal_range(it->second.user_id);
  for (; first != last; ++first) {
    if (first->second == ticket) {
      shard.by_user.erase(first);
      break;
    }
  }
  shard.entries.erase(it);
  return socket;
}

void SocketRegistry::remove(std::int64_t user_id, Ticket ticket) {
  auto& shard = shard_of(user_id);
  std::lock_guard lock(shard.mutex);
  if (shard.entries.contains(ticket)) {
    take(shard, ticket);
    size_.fetch_sub(1);
  }
}

std::size_t SocketRegistry::close_account(std::int64_t user_id) {
  std::vector<std::shared_ptr<ws::Socket>> sockets;
  {
    auto& shard = shard_of(user_id);
    std::lock_guard lock(shard.mutex);
    std::vector<Ticket> tickets;
    auto [first, last] = shard.by_user.equal_range(user_id);
    for (; first != last; ++first) tickets.push_back(first->second);
    for (const auto ticket : tickets) {
      if (auto socket = take(shard, ticket)) sockets.push_back(std::move(socket));
      size_.fetch_sub(1);
    }
  }
  close_all(sockets, false);
  return sockets.size();
}

std::size_t SocketRegistry::sweep() {
  const auto now = clock_.now();
  std::vector<std::shared_ptr<ws::Socket>> sockets;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    while (!shard->by_expiry.empty() && shard->by_expiry.begin()->first <= now) {
      if (auto socket = take(*shard, shard->by_expiry.begin()->second)) {
        sockets.push_back(std::move(socket));
      }
      size_.fetch_sub(1);
    }
  }
  close_all(sockets, true);
  return sockets.size();
}

std::vector<std::shared_ptr<ws::Socket>> SocketRegistry::take_every() {
  std::vector<std::shared_ptr<ws::Socket>> sockets;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    while (!shard->entries.empty()) {
      if (auto socket = take(*shard, shard->entries.begin()->first)) {
        sockets.push_back(std::move(socket));
      }
      size_.fetch_sub(1);
    }
  }
  return sockets;
}

std::size_t SocketRegistry::close_for_shutdown() {
  shutting_down_ = true;
  const auto sockets = take_every();
  for (const auto& socket : sockets) socket->close(ws::CloseCode::kGoingAway);
  return sockets.size();
}

void SocketRegistry::close_all(const std::vector<std::shared_ptr<ws::Socket>>& sockets,
                               bool expired) {
  // Outside the shard locks; close() only posts onto the socket's strand.
  for (const auto& socket : sockets) {
    socket->close(ws::CloseCode::kPolicyViolation);
    metrics_.socket_revoked(expired);
  }
}

std::size_t SocketRegistry::size() const { return size_.load(); }

}  // namespace fleet::gateway::realtime
