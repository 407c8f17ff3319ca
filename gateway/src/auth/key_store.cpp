#include "auth/key_store.h"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "fleet/common/logging.h"
#include "http/request_id.h"
#include "upstream/upstream.h"

namespace fleet::gateway::auth {

bool KeyStore::loaded() const {
  std::lock_guard lock(mutex_);
  return keys_ != nullptr;
}

void KeyStore::install(const std::vector<PublishedKey>& keys) {
  auto set = std::make_shared<KeySet>();
  for (const auto& key : keys) {
    set->push_back({key.key_id,
                    std::make_shared<const token::Verifier>(key.public_key_pem, issuer_, clock_),
                    key.verify_until});
  }
  if (set->empty()) throw std::invalid_argument("no key to install");
  std::lock_guard lock(mutex_);
  // A token cached under a key that left, or whose end moved, must be verified again. A key
  // added beside the others (a rotation's new key) leaves the cache as it is.
  const bool keeps_old =
      keys_ && std::all_of(keys_->begin(), keys_->end(), [&](const Key& old) {
        return std::any_of(set->begin(), set->end(), [&](const Key& key) {
          return key.key_id == old.key_id && key.verify_until == old.verify_until;
        });
      });
  keys_ = std::move(set);
  if (!keeps_old) cache_.clear();
}

void KeyStore::install(std::string_view public_key_pem) {
  install({PublishedKey{token::key_id_of(public_key_pem), std::string(public_key_pem), {}}});
}

std::shared_ptr<const KeyStore::KeySet> KeyStore::key_set() const {
  std::lock_guard lock(mutex_);
  return keys_;
}

std::optional<token::VerifyResult> KeyStore::verify(std::string_view token) const {
  if (auto claims = cache_.find(token)) return token::VerifyResult{std::move(claims)};
  // Only on a miss (a hit takes no lock beyond its shard's), and before the keys: a rotation
  // in between makes the put below a no-op.
  const auto generation = cache_.generation();
  const auto keys = key_set();
  if (!keys) return std::nullopt;
  const Key* key = &keys->front();
  if (const auto kid = token::token_key_id(token)) {
    const auto it =
        std::find_if(keys->begin(), keys->end(), [&](const Key& k) { return k.key_id == *kid; });
    if (it == keys->end())
      return token::VerifyResult{std::nullopt, token::VerifyError::kUnknownKey};
    key = &*it;
  }
  if (key->verify_until && clock_.now() >= *key->verify_until) {
    return token::VerifyResult{std::nullopt, token::VerifyError::kKeyRetired};
  }
  auto result = key->verifier->verify(token);
  if (result) {
    // A retired key's tokens leave the cache when the key stops verifying, if not before.
    auto cached = *result.claims;
    if (key->verify_until) cached.expires_at = std::min(cached.expires_at, *key->verify_until);
    cache_.put(token, cached, generation);
  }
  return result;
}

KeyStore::Refetch KeyStore::begin_refetch() {
  std::lock_guard lock(mutex_);
  if (refetching_) return Refetch::kWait;
  const auto now = clock_.now();
  if (last_refetch_ && now < *last_refetch_ + kRefetchInterval) return Refetch::kSkip;
  refetching_ = true;
  last_refetch_ = now;
  return Refetch::kFetch;
}

void KeyStore::end_refetch() {
  std::lock_guard lock(mutex_);
  refetching_ = false;
}

bool KeyStore::refetching() const {
  std::lock_guard lock(mutex_);
  return refetching_;
}

namespace {

std::vector<PublishedKey> keys_of(const upstream::authpb::GetPublicKeyResponse& reply) {
  // An auth without `keys` publishes its one signing key.
  if (reply.keys().empty()) {
    return {PublishedKey{
        reply.key_id().empty() ? token::key_id_of(reply.public_key_pem()) : reply.key_id(),
        reply.public_key_pem(),
        {}}};
  }
  std::vector<PublishedKey> keys;
  for (const auto& key : reply.keys()) {
    std::optional<Clock::time_point> until;
    if (key.verify_until() > 0) until = Clock::time_point{std::chrono::seconds{key.verify_until()}};
    keys.push_back({key.key_id(), key.public_key_pem(), until});
  }
  return keys;
}

// Installs the reply's keys; false (logged) if they do not install.
bool install_reply(KeyStore& keys, const upstream::authpb::GetPublicKeyResponse& reply,
                   int attempt) {
  if (!reply.issuer().empty() && reply.issuer() != keys.issuer()) {
    // Tokens would all fail the issuer check; say so loudly, but keep the key.
    fleet::log::error("token_issuer_mismatch",
                      {{"expected", keys.issuer()}, {"auth_issuer", reply.issuer()}});
  }
  try {
    const auto published = keys_of(reply);
    keys.install(published);
    fleet::log::info("token_key_loaded", {{"key_id", published.front().key_id},
                                          {"keys", static_cast<std::int64_t>(published.size())},
                                          {"algorithm", reply.algorithm()},
                                          {"attempts", attempt}});
    return true;
  } catch (const std::exception& e) {
    fleet::log::error("token_key_rejected", {{"cause", e.what()}});
    return false;
  }
}

}  // namespace

boost::asio::awaitable<void> fetch_public_key(upstream::Upstream& upstream, KeyStore& keys) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  for (int attempt = 1;; ++attempt) {
    const auto request_id = http::new_request_id();
    const upstream::authpb::GetPublicKeyRequest request;
    auto reply = co_await upstream.call(&upstream::AuthRpc::GetPublicKey, request, request_id);
    if (reply.ok()) {
      if (install_reply(keys, reply.message, attempt)) co_return;
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

boost::asio::awaitable<void> refetch_public_keys(upstream::Upstream& upstream, KeyStore& keys) {
  switch (keys.begin_refetch()) {
    case KeyStore::Refetch::kSkip:
      co_return;
    case KeyStore::Refetch::kWait: {
      // Another request is fetching: its answer is what this one needs too. The poll ends when
      // it does, or after 5 s (the upstream deadline's default).
      boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
      for (int i = 0; i < 250 && keys.refetching(); ++i) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(boost::asio::use_awaitable);
      }
      co_return;
    }
    case KeyStore::Refetch::kFetch:
      break;
  }
  const auto request_id = http::new_request_id();
  const upstream::authpb::GetPublicKeyRequest request;
  auto reply = co_await upstream.call(&upstream::AuthRpc::GetPublicKey, request, request_id);
  if (reply.ok()) {
    install_reply(keys, reply.message, 1);
  } else {
    fleet::log::warn("token_key_refetch_failed",
                     {{"code", static_cast<int>(reply.status.error_code())}});
  }
  keys.end_refetch();
}

}  // namespace fleet::gateway::auth
