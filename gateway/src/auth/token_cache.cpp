#include "auth/token_cache.h"

#include <algorithm>
#include <functional>

namespace fleet::gateway::auth {

TokenCache::TokenCache(const Clock& clock, Limits limits)
    : clock_(clock),
      per_shard_(
          std::max<std::size_t>(1, limits.capacity / std::max<std::size_t>(1, limits.shards))) {
  const std::size_t shards = std::max<std::size_t>(1, limits.shards);
  shards_.reserve(shards);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

TokenCache::Shard& TokenCache::shard_of(std::string_view token) const {
  return *shards_[std::hash<std::string_view>{}(token) % shards_.size()];
}

std::optional<token::Claims> TokenCache::find(std::string_view token) const {
  auto& shard = shard_of(token);
  const auto now = clock_.now();
  std::lock_guard lock(shard.mutex);
  const auto it = shard.index.find(token);
  if (it == shard.index.end()) return std::nullopt;
  if (it->second->claims.expires_at <= now) {
    const auto entry = it->second;
    shard.index.erase(it);
    shard.lru.erase(entry);
    return std::nullopt;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  return it->second->claims;
}

void TokenCache::put(std::string_view token, const token::Claims& claims, Generation generation) {
  if (claims.expires_at <= clock_.now()) return;
  auto& shard = shard_of(token);
  std::lock_guard lock(shard.mutex);
  // The shard's generation is updated under its own lock by clear(): checking it here means a
  // put that raced a rotation either lands before the clear (and is cleared) or is refused.
  if (generation != shard.generation || shard.index.contains(token)) return;
  if (shard.lru.size() >= per_shard_) {
    shard.index.erase(shard.lru.back().token);
    shard.lru.pop_back();
  }
  shard.lru.push_front(Entry{std::string(token), claims});
  shard.index.emplace(shard.lru.front().token, shard.lru.begin());
}

TokenCache::Generation TokenCache::generation() const {
  std::lock_guard lock(generation_mutex_);
  return generation_;
}

void TokenCache::clear() {
  std::lock_guard generation_lock(generation_mutex_);
  ++generation_;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->generation = generation_;
    shard->index.clear();
    shard->lru.clear();
  }
}

std::size_t TokenCache::size() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->lru.size();
  }
  return total;
}

}  // namespace fleet::gateway::auth
