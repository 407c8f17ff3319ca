// KeyStore::verify: the signature is checked once per token and key; a token of another key is
// never accepted from the cache, and installing a key forgets every token of the old one.
#include "auth/key_store.h"

#include <catch2/catch.hpp>

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
