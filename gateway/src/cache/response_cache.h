#pragma once
// Rendered responses of cacheable rows (endpoint::Caching), kept while the service they come from
// says nothing changed: each service's change feed (cache/change_feed.h) tells the topics'
// versions, and an entry is served only while
//   - that service's feed is live (its first message received, not lost since), and
//   - the entry's topic is at the version it was stored at.
// A feed's loss drops every entry of its service (reads go upstream until it is back). A write
// through the gateway applies the version of its reply (x-change-version) before answering, so
// the caller's next read misses and sees its own write.
//
// A miss takes a Ticket before its upstream call and stores the reply only if its service and
// topic are still as the ticket saw them (a generation counter per feed, bumped on every loss
// and reconnection, and the topic's version), so a reply that raced a change is never stored.
//
// Bounded by entries and bytes, least recently used first out; sharded by key, a mutex per
// shard, so the io threads rarely meet. Thread-safe: feeds write from gRPC threads.
#include <cstddef>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace fleet::gateway::cache {

class ResponseCache {
 public:
  struct Limits {
    std::size_t max_entries = 10'000;          // RESPONSE_CACHE_ENTRIES; 0 turns the cache off
    std::size_t max_bytes = 64 * 1024 * 1024;  // RESPONSE_CACHE_BYTES: bodies and keys
    std::size_t shards = 16;
  };
  // What a miss saw before its upstream call.
  struct Ticket {
    std::size_t feed = 0;
    std::uint64_t generation = 0;
    std::string topic;
    std::int64_t version = 0;
  };

  // `services`: the services.tsv names whose feeds this cache follows.
  ResponseCache(std::span<const std::string_view> services, Limits limits);

  // The feed of `service` (gRPC threads, in order): its first message with the current version;
  // a committed change; its end.
  void on_live(std::string_view service, std::int64_t version);
  void on_change(std::string_view service, std::string_view topic, std::int64_t version);
  void on_lost(std::string_view service);
  // A write reply's x-change-version ("topic=version"): the topic is at least there now.
  void apply(std::string_view service, std::string_view trailer);

  bool live(std::string_view service) const;
  // The stored response for `key` if still current for `service`/`topic`.
  std::optional<http::Response> find(std::string_view service, std::string_view topic,
                                     const std::string& key);
  // Nothing when the feed is not live (the reply is then not stored).
  std::optional<Ticket> ticket(std::string_view service, std::string_view topic) const;
  // Keeps `response` under `key` if nothing changed since `ticket`.
  void store(const Ticket& ticket, std::string key, const http::Response& response);

  std::size_t size() const;
  std::size_t bytes() const;

 private:
  struct Feed {
    std::string service;
    mutable std::shared_mutex mutex;
    bool live = false;
    std::uint64_t generation = 0;
    std::int64_t base = 0;  // the version of every topic not in `topics`
    std::map<std::string, std::int64_t, std::less<>> topics;
    std::int64_t version(std::string_view topic) const;
  };
  struct Entry {
    std::string key;
    std::size_t feed = 0;
    std::uint64_t generation = 0;
    std::string topic;
    std::int64_t version = 0;
    http::Response response;
    std::size_t bytes = 0;
  };
  struct Shard {
    std::mutex mutex;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views of Entry::key
    std::size_t bytes = 0;
  };

  Feed* feed_of(std::string_view service);
  const Feed* feed_of(std::string_view service) const;
  std::size_t feed_index(std::string_view service) const;
  Shard& shard_of(std::string_view key);
  bool current(const Entry& entry) const;
  static void erase(Shard& shard, std::list<Entry>::iterator it);
  void drop_feed(std::size_t feed);

  const Limits limits_;
  std::vector<std::unique_ptr<Feed>> feeds_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace fleet::gateway::cache
