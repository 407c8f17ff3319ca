#pragma once
// The access-token signing key: from a PEM file when AUTH_SIGNING_KEY_FILE is set, otherwise
// generated on the first start and kept in the auth database, shared by every later start.
// Previous keys (AUTH_PREVIOUS_KEY_FILES) sign nothing: they are published so that tokens they
// signed still verify until those tokens have expired (README "Rotating the signing key").
#include <chrono>
#include <string>
#include <string_view>

#include "credential_repository.h"
#include "fleet/common/clock.h"

namespace fleet::auth {

struct SigningKey {
  std::string private_key_pem;
  std::string public_key_pem;
  std::string key_id;  // first 16 hex digits of SHA-256 of the public key DER
};

// A previous key: published, never used to sign.
struct RetiredKey {
  std::string public_key_pem;
  std::string key_id;
  TimePoint verify_until;  // retired_at + the access-token lifetime: every token it signed is dead
};

// From an Ed25519 private or public key PEM (the old key file as it was, or its public half).
// Throws std::invalid_argument for anything else.
RetiredKey retired_key_from_pem(std::string_view pem, TimePoint retired_at,
                                std::chrono::seconds access_token_ttl);

// Throws std::invalid_argument if the PEM is not an Ed25519 private key.
SigningKey signing_key_from_pem(std::string private_key_pem);

// Offers a freshly generated key to the store and adopts whatever key the store keeps.
SigningKey load_or_create_signing_key(SigningKeyStore& store, const Clock& clock);

}  // namespace fleet::auth
