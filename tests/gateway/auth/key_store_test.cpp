// KeyStore::verify: the signature is checked once per token and key, with the key its kid names;
// a token of another key is never accepted from the cache, a key leaving the set forgets its
// tokens, a retired key stops at its verify_until; an unknown kid fetches the set again, at most
// once per kRefetchInterval, and the request then succeeds.
#include "auth/key_store.h"

#include <catch2/catch.hpp>

#include "support/gateway_harness.h"

using fleet::ManualClock;
using fleet::gateway::auth::KeyStore;
using fleet::token::Signer;
using namespace std::chrono_literals;

namespace {

struct Key {
  explicit Key(const fleet::Clock& clock)
      : private_pem(fleet::token::generate_private_key_pem()),
        public_pem(fleet::token::public_key_pem_of(private_pem)),
        signer(private_pem, "fleetgate", fleet::token::key_id_of(public_pem), 3600s, clock) {}
  std::string private_pem;
  std::string public_pem;
  Signer signer;
};

}  // namespace

TEST_CASE("key store: verify without a key, with the key, cached, expired") {
  ManualClock clock;
  KeyStore keys("fleetgate", clock);
  Key key(clock);
  const auto token = key.signer.sign(5, "user");
  CHECK_FALSE(keys.verify(token).has_value());  // no key yet: 503 upstream of this
  keys.install(key.public_pem);
  auto first = keys.verify(token);
  REQUIRE(first.has_value());
  REQUIRE(*first);
  CHECK(first->claims->user_id == 5);
  auto again = keys.verify(token);  // from the cache
  REQUIRE(again.has_value());
  CHECK(again->claims->user_id == 5);

  clock.advance(3600s);  // exactly exp
  auto expired = keys.verify(token);
  REQUIRE(expired.has_value());
  CHECK_FALSE(*expired);
  CHECK(expired->error == fleet::token::VerifyError::kExpired);
}

TEST_CASE("key store: a token of another key is refused, and rotation forgets the old key's") {
  ManualClock clock;
  KeyStore keys("fleetgate", clock);
  Key first(clock);
  Key second(clock);
  keys.install(first.public_pem);
  const auto old_token = first.signer.sign(5, "user");
  const auto foreign = second.signer.sign(6, "admin");
  REQUIRE(*keys.verify(old_token));
  CHECK_FALSE(*keys.verify(foreign));
  CHECK_FALSE(*keys.verify(foreign));  // a failure is never cached as a success

  keys.install(second.public_pem);
  CHECK_FALSE(*keys.verify(old_token));  // was cached under the first key
  CHECK(*keys.verify(foreign));
}

namespace {

using fleet::gateway::auth::PublishedKey;
using fleet::token::VerifyError;

PublishedKey current(const Key& key) { return {key.signer.key_id(), key.public_pem, {}}; }
PublishedKey retired(const Key& key, fleet::Clock::time_point until) {
  return {key.signer.key_id(), key.public_pem, until};
}

}  // namespace

TEST_CASE("key store: several published keys, each token verified by the key its kid names") {
  ManualClock clock;
  KeyStore keys("fleetgate", clock);
  Key old_key(clock);
  Key new_key(clock);
  const auto old_token = old_key.signer.sign(5, "user");
  const auto new_token = new_key.signer.sign(6, "admin");
  keys.install({current(new_key), retired(old_key, clock.now() + 7200s)});
  REQUIRE(*keys.verify(old_token));
  CHECK(keys.verify(old_token)->claims->user_id == 5);
  REQUIRE(*keys.verify(new_token));
  CHECK(keys.verify(new_token)->claims->user_id == 6);

  // A kid the store does not hold: kUnknownKey (the caller fetches the set again), never
  // another key's verdict.
  Key stranger(clock);
  const auto unknown = keys.verify(stranger.signer.sign(7, "admin"));
  REQUIRE(unknown.has_value());
  CHECK_FALSE(*unknown);
  CHECK(unknown->error == VerifyError::kUnknownKey);

  // A token signed by one key but naming the other's kid fails its signature check.
  Signer liar(old_key.private_pem, "fleetgate", new_key.signer.key_id(), 3600s, clock);
  const auto lying = keys.verify(liar.sign(5, "admin"));
  CHECK_FALSE(*lying);
  CHECK(lying->error == VerifyError::kBadSignature);

  // Without a kid: the signing key (the first).
  Signer no_kid(new_key.private_pem, "fleetgate", "", 3600s, clock);
  CHECK(*keys.verify(no_kid.sign(8, "user")));
}

TEST_CASE("key store: a retired key stops verifying at its verify_until, cached tokens too") {
  ManualClock clock;
  KeyStore keys("fleetgate", clock);
  Key old_key(clock);
  Key new_key(clock);
  // A token that lives longer than its key (an ACCESS_TOKEN_TTL lowered since, say).
  Signer long_lived(old_key.private_pem, "fleetgate", old_key.signer.key_id(), 7200s, clock);
  const auto old_token = long_lived.sign(5, "user");
  const auto new_token = new_key.signer.sign(6, "user");
  keys.install({current(new_key), retired(old_key, clock.now() + 1800s)});
  REQUIRE(*keys.verify(old_token));  // and cached

  clock.advance(1799s);
  CHECK(*keys.verify(old_token));
  clock.advance(1s);  // the key's verify_until
  const auto late = keys.verify(old_token);
  CHECK_FALSE(*late);
  CHECK(late->error == VerifyError::kKeyRetired);
  CHECK(*keys.verify(new_token));  // the signing key has no end
}

TEST_CASE("key store: a key added keeps the cache, a key removed forgets its tokens") {
  ManualClock clock;
  KeyStore keys("fleetgate", clock);
  Key old_key(clock);
  Key new_key(clock);
  const auto old_token = old_key.signer.sign(5, "user");
  keys.install({current(old_key)});
  REQUIRE(*keys.verify(old_token));

  // Rotation: the new key signs, the old one is published as retired.
  keys.install({current(new_key), retired(old_key, clock.now() + 3600s)});
  CHECK(*keys.verify(old_token));
  // The old key is withdrawn: its cached token must not be served.
  keys.install({current(new_key)});
  const auto withdrawn = keys.verify(old_token);
  CHECK_FALSE(*withdrawn);
  CHECK(withdrawn->error == VerifyError::kUnknownKey);
  // A set with a bad PEM installs nothing.
  CHECK_THROWS_AS(keys.install({current(old_key), PublishedKey{"x", "not a pem", {}}}),
                  std::invalid_argument);
  CHECK(*keys.verify(new_key.signer.sign(6, "user")));
}

TEST_CASE("key store: refetches for unknown kids are rate-limited to one per interval") {
  using Refetch = KeyStore::Refetch;
  ManualClock clock;
  KeyStore keys("fleetgate", clock);
  CHECK(keys.begin_refetch() == Refetch::kFetch);
  CHECK(keys.refetching());
  CHECK(keys.begin_refetch() == Refetch::kWait);  // one in flight: wait for its answer
  keys.end_refetch();
  CHECK_FALSE(keys.refetching());
  CHECK(keys.begin_refetch() == Refetch::kSkip);  // fetched less than a second ago
  clock.advance(fleet::gateway::auth::kRefetchInterval - 1ms);
  CHECK(keys.begin_refetch() == Refetch::kSkip);
  clock.advance(1ms);
  CHECK(keys.begin_refetch() == Refetch::kFetch);
  keys.end_refetch();
}

TEST_CASE("key store: a token of a new key fetches the key set once, then verifies") {
  using namespace fleet::gateway::testing;
  Harness h;  // holds the harness signer's key only
  TokenSigner rotated(h.clock);
  auto published = rotated.public_key();
  for (const auto* signer : {&rotated, &h.signer}) {
    auto* key = published.add_keys();
    key->set_key_id(signer->public_key().key_id());
    key->set_public_key_pem(signer->public_key_pem());
  }
  published.mutable_keys(1)->set_verify_until(
      std::chrono::duration_cast<std::chrono::seconds>(h.clock.now().time_since_epoch()).count() +
      3600);
  h.canned.reply<authpb::GetPublicKeyRequest>(published);
  const Harness::Headers as_alice{{"Authorization", "Bearer " + rotated.token_for(h.alice)}};
  CHECK(h.call("GET", "/api/v1/users/3", {}, as_alice).status == 200);
  CHECK(h.canned.count<authpb::GetPublicKeyRequest>() == 1);
  CHECK(h.call("GET", "/api/v1/users/3", {}, as_alice).status == 200);  // no second fetch
  CHECK(h.as(h.alice, "GET", "/api/v1/users/3").status == 200);  // the old key still verifies
  CHECK(h.canned.count<authpb::GetPublicKeyRequest>() == 1);

  // A kid nobody publishes: 401 after at most one more fetch for the two (the harness's clock
  // is the system's; the exact limit is tested above on a manual clock).
  TokenSigner forger(h.clock);
  const Harness::Headers forged{{"Authorization", "Bearer " + forger.token_for(h.admin)}};
  CHECK(h.call("GET", "/api/v1/users/3", {}, forged).status == 401);
  CHECK(h.call("GET", "/api/v1/users/3", {}, forged).status == 401);
  CHECK(h.canned.count<authpb::GetPublicKeyRequest>() <= 2);
}
