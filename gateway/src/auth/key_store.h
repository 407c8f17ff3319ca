#pragma once
// The token verification key. The gateway fetches it from auth's GetPublicKey at start (retrying
// every second in the background until auth answers) and then verifies every token locally,
// remembering verified tokens (auth/token_cache.h) so that a repeated one costs a lookup.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/token_cache.h"
#include "fleet/token/jwt.h"

namespace fleet::gateway::upstream {
class Upstream;
}

namespace fleet::gateway::auth {

class KeyStore {
 public:
  KeyStore(std::string issuer, const Clock& clock, TokenCache::Limits cache = {})
      : issuer_(std::move(issuer)), clock_(clock), cache_(clock, cache) {}

  bool loaded() const;
  // Throws std::invalid_argument if the PEM is not an Ed25519 public key. Forgets every token
  // verified with the previous key.
  void install(std::string_view public_key_pem);
  // The token's verification, from the cache when it was verified before under this key;
  // nullopt while no key is installed.
  std::optional<token::VerifyResult> verify(std::string_view token) const;
  // Null until a key is installed.
  std::shared_ptr<const token::Verifier> verifier() const;
  const std::string& issuer() const { return issuer_; }

 private:
  std::string issuer_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const token::Verifier> verifier_;
  mutable TokenCache cache_;
};

// Calls GetPublicKey until it succeeds and the key installs, waiting a second between tries.
boost::asio::awaitable<void> fetch_public_key(upstream::Upstream& upstream, KeyStore& keys);

}  // namespace fleet::gateway::auth
