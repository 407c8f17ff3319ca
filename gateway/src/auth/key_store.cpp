#include "auth/key_store.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "fleet/common/logging.h"
#include "http/request_id.h"
#include "upstream/upstream.h"

namespace fleet::gateway::auth {

bool KeyStore::loaded() const {
  std::lock_guard lock(mutex_);
  return verifier_ != nullptr;
}

void KeyStore::install(std::string_view public_key_pem) {
  auto verifier = std::make_shared<const token::Verifier>(public_key_pem, issuer_, clock_);
  std::lock_guard lock(mutex_);
  verifier_ = std::move(verifier);
  cache_.clear();
}

std::optional<token::VerifyResult> KeyStore::verify(std::string_view token) const {
  if (auto claims = cache_.find(token)) return token::VerifyResult{std::move(claims)};
  // Only on a miss (a hit takes no lock beyond its shard's), and before the verifier: a rotation
  // in between makes the put below a no-op.
  const auto generation = cache_.generation();
  const auto verifier = this->verifier();
  if (!verifier) return std::nullopt;
  auto result = verifier->verify(token);
  if (result) cache_.put(token, *result.claims, generation);
  return result;
}

std::shared_ptr<const token::Verifier> KeyStore::verifier() const {
  std::lock_guard lock(mutex_);
  return verifier_;
}

boost::asio::awaitable<void> fetch_public_key(upstream::Upstream& upstream, KeyStore& keys) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (int attempt = 1;; ++attempt) {
    const auto request_id = http::new_request_id();
    const upstream::authpb::GetPublicKeyRequest request;
    auto reply = co_await upstream.call(&upstream::AuthRpc::GetPublicKey, request, request_id);
    if (reply.ok()) {
      const auto& key = reply.message;
      if (!key.issuer().empty() && key.issuer() != keys.issuer()) {
        // Tokens would all fail the issuer check; say so loudly, but keep the key.
        fleet::log::error("token_issuer_mismatch",
                          {{"expected", keys.issuer()}, {"auth_issuer", key.issuer()}});
      }
      try {
        keys.install(key.public_key_pem());
        fleet::log::info(
            "token_key_loaded",
            {{"key_id", key.key_id()}, {"algorithm", key.algorithm()}, {"attempts", attempt}});
        co_return;
      } catch (const std::exception& e) {
        fleet::log::error("token_key_rejected", {{"cause", e.what()}});
      }
    } else if (attempt == 1 || attempt % 30 == 0) {
      // Expected while auth is starting; not every second.
      fleet::log::warn(
          "token_key_unavailable",
          {{"code", static_cast<int>(reply.status.error_code())}, {"attempts", attempt}});
    }
    timer.expires_after(std::chrono::seconds(1));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace fleet::gateway::auth
