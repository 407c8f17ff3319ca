#pragma once
// The access-token signing key: from a PEM file when AUTH_SIGNING_KEY_FILE is set, otherwise
// generated on the first start and kept in the auth database, shared by every later start.
#include <string>

#include "credential_repository.h"
#include "fleet/common/clock.h"

namespace fleet::auth {

struct SigningKey {
  std::string private_key_pem;
  std::string public_key_pem;
  std::string key_id;  // first 16 hex digits of SHA-256 of the public key DER
};

// Throws std::invalid_argument if the PEM is not an Ed25519 private key.
SigningKey signing_key_from_pem(std::string private_key_pem);

// Offers a freshly generated key to the store and adopts whatever key the store keeps.
SigningKey load_or_create_signing_key(SigningKeyStore& store, const Clock& clock);

}  // namespace fleet::auth
