#pragma once
// Verified tokens, so that a repeated request skips the Ed25519 check. Keyed by the raw token;
// an entry holds the claims it verified to and the key generation that verified it.
// - An entry is never served at or past the token's exp (the gateway's clock): it is dropped.
// - Bounded: `capacity` entries over `shards` LRU shards, one mutex each (one io thread per
//   core reads it); a full shard evicts its least recently used entry.
// - A new key (KeyStore::install) bumps the generation and clears every shard; an entry put
//   under an older generation (a verification that raced the rotation) is never served, so a
//   token is only ever accepted from the cache under the key that verified it.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fleet/common/clock.h"
#include "fleet/token/jwt.h"

namespace fleet::gateway::auth {

class TokenCache {
 public:
  struct Limits {
    std::size_t capacity = 100'000;
    std::size_t shards = 16;
  };
  using Generation = std::uint64_t;

  TokenCache(const Clock& clock, Limits limits);
  explicit TokenCache(const Clock& clock) : TokenCache(clock, Limits{}) {}

  // The claims of a token verified under the current generation and not yet expired.
  std::optional<token::Claims> find(std::string_view token) const;
  // Keeps a token verified under `generation` (taken before verifying); ignored if the key
  // changed since.
  void put(std::string_view token, const token::Claims& claims, Generation generation);
  Generation generation() const;
  // A new key: forget everything verified so far.
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    std::string token;
    token::Claims claims;
  };
  struct Shard {
    std::mutex mutex;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index;  // views into lru
    Generation generation = 1;
  };
  Shard& shard_of(std::string_view token) const;

  const Clock& clock_;
  const std::size_t per_shard_;
  std::vector<std::unique_ptr<Shard>> shards_;
  mutable std::mutex generation_mutex_;
  Generation generation_ = 1;
};

}  // namespace fleet::gateway::auth
