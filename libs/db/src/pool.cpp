#include "fleet/db/db.h"

namespace fleet::db {
namespace {

// A connection idle longer than this is pinged before use: the server may have restarted or
// closed it (wait_timeout) meanwhile. A restart takes longer than this, so after one the first
// requests get fresh connections instead of "lost connection" errors.
constexpr std::chrono::seconds kTrustIdleFor{1};

}  // namespace

Pool::Pool(Config config) : config_(std::move(config)) {}
Pool::~Pool() = default;

Pool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_));
}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (conn_) pool_->release(std::move(conn_));
    pool_ = other.pool_;
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Pool::Lease Pool::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + config_.acquire_timeout;
  for (;;) {
    Idle idle;
    {
      std::unique_lock lock(mutex_);
      ++waiting_;
      const bool ready = available_.wait_until(
          lock, deadline, [&] { return !idle_.empty() || open_ < config_.pool_size; });
      --waiting_;
      if (!ready) {
        ++acquire_timeouts_;
        throw PoolExhausted(0, "no database connection free within " +
                                   std::to_string(config_.acquire_timeout.count()) + " ms");
      }
      if (idle_.empty()) {
        ++open_;  // reserve the slot, then connect without holding the lock
      } else {
        idle = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!idle.conn) {
      try {
        return Lease(this, Connection::open(config_));
      } catch (...) {
        release(nullptr);
        throw;
      }
    }
    if (std::chrono::steady_clock::now() - idle.since < kTrustIdleFor || idle.conn->ping()) {
      return Lease(this, std::move(idle.conn));
    }
    release(std::move(idle.conn));  // broken after the failed ping: frees the slot
  }
}

void Pool::release(std::unique_ptr<Connection> conn) {
  std::lock_guard lock(mutex_);
  if (conn && !conn->broken()) {
    idle_.push_back({std::move(conn), std::chrono::steady_clock::now()});
  } else {
    if (conn) ++dropped_;
    --open_;  // a broken connection is closed when `conn` goes out of scope, after the lock
    // One lost connection often means all were lost (a server restart): ping the idle ones.
    if (conn) {
      for (auto& idle : idle_) idle.since = std::chrono::steady_clock::time_point{};
    }
  }
  available_.notify_one();
}

Pool::Stats Pool::stats() const {
  std::lock_guard lock(mutex_);
  Stats stats;
  stats.max_connections = config_.pool_size;
  stats.idle = static_cast<unsigned>(idle_.size());
  stats.in_use = open_ - stats.idle;  // open_ counts slots being connected, too
  stats.waiting = waiting_;
  stats.acquire_timeouts = acquire_timeouts_;
  stats.dropped = dropped_;
  stats.committed = committed_.load();
  stats.rolled_back = rolled_back_.load();
  stats.retried = retried_.load();
  return stats;
}

}  // namespace fleet::db
