#pragma once
// The token verification key. The gateway fetches it from auth's GetPublicKey at start (retrying
// every second in the background until auth answers) and then verifies every token locally.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "fleet/common/clock.h"
#include "fleet/token/jwt.h"

namespace fleet::gateway::upstream {
class Upstream;
}

namespace fleet::gateway::auth {

class KeyStore {
 public:
  KeyStore(std::string issuer, const Clock& clock) : issuer_(std::move(issuer)), clock_(clock) {}

  bool loaded() const;
  // Throws std::invalid_argument if the PEM is not an Ed25519 public key.
  void install(std::string_view public_key_pem);
  // Null until a key is installed.
  std::shared_ptr<const token::Verifier> verifier() const;
  const std::string& issuer() const { return issuer_; }

 private:
  std::string issuer_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const token::Verifier> verifier_;
};

// Calls GetPublicKey until it succeeds and the key installs, waiting a second between tries.
boost::asio::awaitable<void> fetch_public_key(upstream::Upstream& upstream, KeyStore& keys);

}  // namespace fleet::gateway::auth
