#include "signing_key.h"

#include "fleet/token/jwt.h"

namespace fleet::auth {

SigningKey signing_key_from_pem(std::string private_key_pem) {
  SigningKey key;
  key.public_key_pem = token::public_key_pem_of(private_key_pem);
  key.key_id = token::key_id_of(key.public_key_pem);
  key.private_key_pem = std::move(private_key_pem);
  return key;
}

SigningKey load_or_create_signing_key(SigningKeyStore& store, const Clock& clock) {
  const SigningKey candidate = signing_key_from_pem(token::generate_private_key_pem());
  return signing_key_from_pem(
      store.insert_signing_key_if_absent(candidate.private_key_pem, candidate.key_id, clock.now()));
}

}  // namespace fleet::auth
