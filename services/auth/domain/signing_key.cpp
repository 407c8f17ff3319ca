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

RetiredKey retired_key_from_pem(std::string_view pem, TimePoint retired_at,
                                std::chrono::seconds access_token_ttl) {
  std::string public_pem;
  if (pem.find("PRIVATE KEY") != std::string_view::npos) {
    public_pem = token::public_key_pem_of(pem);
  } else {
    public_pem = std::string(pem);
  }
  std::string key_id = token::key_id_of(public_pem);  // also checks that it is Ed25519
  return {std::move(public_pem), std::move(key_id), retired_at + access_token_ttl};
}

SigningKey load_or_create_signing_key(SigningKeyStore& store, const Clock& clock) {
  const SigningKey candidate = signing_key_from_pem(token::generate_private_key_pem());
  return signing_key_from_pem(
      store.insert_signing_key_if_absent(candidate.private_key_pem, candidate.key_id, clock.now()));
}

}  // namespace fleet::auth
