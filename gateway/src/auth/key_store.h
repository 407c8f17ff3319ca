#pragma once
// The token verification keys. The gateway fetches them from auth's GetPublicKey at start
// (retrying every second in the background until auth answers) and then verifies every token
// locally with the key its "kid" names, remembering verified tokens (auth/token_cache.h) so that
// a repeated one costs a lookup.
// Rotation: auth publishes its signing key and its previous keys, each retired one with the time
// until which it verifies. A token of a "kid" the store does not hold makes the caller fetch
// the set again (refetch_public_keys: at most once per kRefetchInterval) and verify it once
// more; a retired key verifies nothing from its verify_until on, cached tokens included.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/token_cache.h"
#include "fleet/token/jwt.h"

namespace fleet::gateway::upstream {
class Upstream;
}

namespace fleet::gateway::auth {

struct PublishedKey {
  std::string key_id;
  std::string public_key_pem;
  std::optional<Clock::time_point> verify_until;  // unset: the signing key, no end
};

// At most one GetPublicKey per this long for tokens of unknown keys (a flood of forged "kid"s
// costs auth one call a second).
inline constexpr std::chrono::seconds kRefetchInterval{1};

class KeyStore {
 public:
  KeyStore(std::string issuer, const Clock& clock, TokenCache::Limits cache = {})
      : issuer_(std::move(issuer)), clock_(clock), cache_(clock, cache) {}

  bool loaded() const;
  // Replaces the key set; the first key is the signing one (a token without "kid" is verified
  // with it). Throws std::invalid_argument, installing nothing, if a PEM is not an Ed25519
  // public key. Forgets every cached token when a key left the set or its verify_until changed.
  void install(const std::vector<PublishedKey>& keys);
  // One signing key, its kid derived from it.
  void install(std::string_view public_key_pem);
  // The token's verification, from the cache when it was verified before; nullopt while no key
  // is installed. kUnknownKey: fetch the set again (refetch_public_keys) and retry.
  std::optional<token::VerifyResult> verify(std::string_view token) const;
  const std::string& issuer() const { return issuer_; }

  // The refetch rate limit: kFetch (the caller fetches, then calls end_refetch), kWait (another
  // caller is fetching: wait for refetching() to turn false) or kSkip (fetched less than
  // kRefetchInterval ago).
  enum class Refetch { kFetch, kWait, kSkip };
  Refetch begin_refetch();
  void end_refetch();
  bool refetching() const;

 private:
  struct Key {
    std::string key_id;
    std::shared_ptr<const token::Verifier> verifier;
    std::optional<Clock::time_point> verify_until;
  };
  using KeySet = std::vector<Key>;
  std::shared_ptr<const KeySet> key_set() const;

  std::string issuer_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const KeySet> keys_;
  bool refetching_ = false;
  std::optional<Clock::time_point> last_refetch_;
  mutable TokenCache cache_;
};

// Calls GetPublicKey until it succeeds and the keys install, waiting a second between tries.
boost::asio::awaitable<void> fetch_public_key(upstream::Upstream& upstream, KeyStore& keys);

// For a token of an unknown "kid": fetches the key set again, or waits for a fetch in flight,
// within the rate limit (KeyStore::begin_refetch). Never throws.
boost::asio::awaitable<void> refetch_public_keys(upstream::Upstream& upstream, KeyStore& keys);

}  // namespace fleet::gateway::auth
