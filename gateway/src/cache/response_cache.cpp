#include "cache/response_cache.h"

#include <algorithm>
#include <charconv>
#include <functional>

namespace fleet::gateway::cache {
namespace {

std::size_t entry_bytes(const std::string& key, const http::Response& response) {
  std::size_t bytes = key.size() + response.body.size();
  for (const auto& [name, value] : response.headers) bytes += name.size() + value.size();
  return bytes;
}

}  // namespace

std::int64_t ResponseCache::Feed::version(std::string_view topic) const {
  const auto it = topics.find(topic);
  return it == topics.end() ? base : it->second;
}

ResponseCache::ResponseCache(std::span<const std::string_view> services, Limits limits)
    : limits_(limits) {
  for (auto service : services) {
    feeds_.push_back(std::make_unique<Feed>());
    feeds_.back()->service = std::string(service);
  }
  const auto shards = std::max<std::size_t>(1, limits.shards);
  for (std::size_t i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

std::size_t ResponseCache::feed_index(std::string_view service) const {
  for (std::size_t i = 0; i < feeds_.size(); ++i) {
    if (feeds_[i]->service == service) return i;
  }
  return feeds_.size();
}

ResponseCache::Feed* ResponseCache::feed_of(std::string_view service) {
  const auto i = feed_index(service);
  return i < feeds_.size() ? feeds_[i].get() : nullptr;
}

const ResponseCache::Feed* ResponseCache::feed_of(std::string_view service) const {
  const auto i = feed_index(service);
  return i < feeds_.size() ? feeds_[i].get() : nullptr;
}

ResponseCache::Shard& ResponseCache::shard_of(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

void ResponseCache::on_live(std::string_view service, std::int64_t version) {
  auto* feed = feed_of(service);
  if (!feed) return;
  {
    std::unique_lock lock(feed->mutex);
    // What happened while the feed was down is unknown: start over from this version.
    feed->live = true;
    ++feed->generation;
    feed->base = version;
    feed->topics.clear();
  }
  drop_feed(feed_index(service));
}

void ResponseCache::on_change(std::string_view service, std::string_view topic,
                              std::int64_t version) {
  auto* feed = feed_of(service);
  if (!feed) return;
  std::unique_lock lock(feed->mutex);
  if (!feed->live || version <= feed->version(topic)) return;
  feed->topics.insert_or_assign(std::string(topic), version);
}

void ResponseCache::on_lost(std::string_view service) {
  auto* feed = feed_of(service);
  if (!feed) return;
  {
    std::unique_lock lock(feed->mutex);
    feed->live = false;
    ++feed->generation;
  }
  drop_feed(feed_index(service));
}

void ResponseCache::apply(std::string_view service, std::string_view trailer) {
  const auto eq = trailer.rfind('=');
  if (eq == std::string_view::npos) return;
  std::int64_t version = 0;
  const auto digits = trailer.substr(eq + 1);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return;
  // The same rule as the feed's own change, which may come before or after this.
  on_change(service, trailer.substr(0, eq), version);
}

bool ResponseCache::live(std::string_view service) const {
  const auto* feed = feed_of(service);
  if (!feed) return false;
  std::shared_lock lock(feed->mutex);
  return feed->live;
}

bool ResponseCache::current(const Entry& entry) const {
  const auto& feed = *feeds_[entry.feed];
  std::shared_lock lock(feed.mutex);
  return feed.live && feed.generation == entry.generation &&
         feed.version(entry.topic) == entry.version;
}

std::optional<http::Response> ResponseCache::find(std::string_view service, std::string_view topic,
                                                  const std::string& key) {
  if (limits_.max_entries == 0 || feed_index(service) == feeds_.size()) return std::nullopt;
  auto& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.index.find(key);
  if (it == shard.index.end()) return std::nullopt;
  const auto entry = it->second;
  if (entry->topic != topic || !current(*entry)) {
    erase(shard, entry);
    return std::nullopt;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, entry);
  return entry->response;
}

std::optional<ResponseCache::Ticket> ResponseCache::ticket(std::string_view service,
                                                           std::string_view topic) const {
  const auto index = feed_index(service);
  if (limits_.max_entries == 0 || index == feeds_.size()) return std::nullopt;
  const auto& feed = *feeds_[index];
  std::shared_lock lock(feed.mutex);
  if (!feed.live) return std::nullopt;
  return Ticket{index, feed.generation, std::string(topic), feed.version(topic)};
}

void ResponseCache::store(const Ticket& ticket, std::string key, const http::Response& response) {
  const auto shards = shards_.size();
  const auto max_entries = std::max<std::size_t>(1, limits_.max_entries / shards);
  const auto max_bytes = limits_.max_bytes / shards;
  const auto bytes = entry_bytes(key, response);
  if (limits_.max_entries == 0 || bytes > max_bytes) return;
  auto& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  Entry entry{std::move(key), ticket.feed, ticket.generation, ticket.topic, ticket.version,
              response,       bytes};
  // Checked under the shard's lock: a loss after this point finds the entry and drops it.
  if (!current(entry)) return;
  if (const auto it = shard.index.find(entry.key); it != shard.index.end()) {
    erase(shard, it->second);
  }
  while (!shard.lru.empty() &&
         (shard.index.size() >= max_entries || shard.bytes + bytes > max_bytes)) {
    erase(shard, std::prev(shard.lru.end()));
  }
  shard.lru.push_front(std::move(entry));
  shard.index.emplace(shard.lru.front().key, shard.lru.begin());
  shard.bytes += bytes;
}

void ResponseCache::erase(Shard& shard, std::list<Entry>::iterator it) {
  shard.bytes -= it->bytes;
  shard.index.erase(it->key);
  shard.lru.erase(it);
}

void ResponseCache::drop_feed(std::size_t feed) {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    for (auto it = shard->lru.begin(); it != shard->lru.end();) {
      const auto next = std::next(it);
      if (it->feed == feed) erase(*shard, it);
      it = next;
    }
  }
}

std::size_t ResponseCache::size() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    n += shard->index.size();
  }
  return n;
}

std::size_t ResponseCache::bytes() const {
  std::size_t n = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    n += shard->bytes;
  }
  return n;
}

}  // namespace fleet::gateway::cache
