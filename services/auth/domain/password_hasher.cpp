#include "password_hasher.h"

#include <sodium.h>

#include <stdexcept>

#include "fleet/common/error.h"

namespace fleet::auth {

void validate_password(std::string_view password) {
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    throw DomainError(ErrorCode::kInvalidArgument, "Password must be 1 to 1024 characters");
  }
}

PasswordHasher::PasswordHasher() {
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");
  unsigned char secret[32];
  randombytes_buf(secret, sizeof secret);
  dummy_hash_ = hash(std::string_view(reinterpret_cast<const char*>(secret), sizeof secret));
  sodium_memzero(secret, sizeof secret);
}

std::string PasswordHasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kHashOpsLimit,
                            kHashMemLimitBytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool PasswordHasher::verify(const std::string& hash, std::string_view password) const {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::needs_rehash(const std::string& hash) const {
  // The argon2id variant, so that an argon2i hash with the same parameters is replaced too:
  // 0: argon2id with these parameters; 1: other parameters; -1: not an argon2id string.
  return crypto_pwhash_argon2id_str_needs_rehash(hash.c_str(), kHashOpsLimit, kHashMemLimitBytes) !=
         0;
}

void PasswordHasher::verify_dummy(std::string_view password) const {
  (void)verify(dummy_hash_, password);
}

}  // namespace fleet::auth
