#pragma once
// Access tokens: compact JWTs signed with Ed25519 ("alg":"EdDSA"). Exactly one algorithm is
// accepted; "none", any other alg, a wrong key, a tampered, expired or not-yet-valid token fail.
// The auth service alone holds a Signer; every other process holds only a Verifier.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fleet/common/clock.h"

namespace fleet::token {

struct Claims {
  std::int64_t user_id = 0;                          // "sub", as a decimal string in the token
  std::string role;                                  // "user", "operator" or "admin"
  std::chrono::system_clock::time_point issued_at;   // "iat"; also "nbf"
  std::chrono::system_clock::time_point expires_at;  // "exp"
  std::string token_id;                              // "jti"
};

enum class VerifyError {
  kMalformed,
  kWrongAlgorithm,
  kBadSignature,
  kExpired,
  kNotYetValid,
  kWrongIssuer,
  kWrongAudience,
  kUnknownKey,  // a verifier of several keys holds none of the token's "kid"
  kKeyRetired,  // its key was retired and no longer verifies
};

// The audience every Fleetgate token names and every verifier requires ("aud"): a token minted
// for another audience, or for none, is refused even when its signature is good.
inline constexpr std::string_view kDefaultAudience = "fleetgate";
const char* to_string(VerifyError error);

struct VerifyResult {
  std::optional<Claims> claims;  // set on success
  VerifyError error = VerifyError::kMalformed;
  explicit operator bool() const { return claims.has_value(); }
};

// Safe for concurrent verify() calls. Tokens over kMaxTokenBytes are kMalformed.
inline constexpr std::size_t kMaxTokenBytes = 8 * 1024;

class Verifier {
 public:
  // Throws std::invalid_argument if the PEM is not an Ed25519 public key.
  Verifier(std::string_view public_key_pem, std::string issuer, const Clock& clock,
           std::string audience = std::string(kDefaultAudience));
  ~Verifier();
  Verifier(Verifier&&) noexcept;
  VerifyResult verify(std::string_view token) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class Signer {
 public:
  // Throws std::invalid_argument if the PEM is not an Ed25519 private key.
  Signer(std::string_view private_key_pem, std::string issuer, std::string key_id,
         std::chrono::seconds ttl, const Clock& clock,
         std::string audience = std::string(kDefaultAudience));
  ~Signer();
  // Sets iss, aud, iat/nbf = now, exp = now + ttl, a random jti; returns the compact token.
  std::string sign(std::int64_t user_id, std::string_view role) const;
  std::string public_key_pem() const;
  const std::string& key_id() const;
  std::chrono::seconds ttl() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The "kid" of a token's header, verifying nothing: it only picks the key to verify with.
// nullopt when the header is malformed or names no key.
std::optional<std::string> token_key_id(std::string_view token);

// A fresh Ed25519 private key as PKCS#8 PEM.
std::string generate_private_key_pem();

// The public half of an Ed25519 private key, as SubjectPublicKeyInfo PEM.
// Throws std::invalid_argument if the PEM is not an Ed25519 private key.
std::string public_key_pem_of(std::string_view private_key_pem);

// The "kid" of a key: the first 16 hex digits of SHA-256 over the public key's DER.
// Throws std::invalid_argument if the PEM is not an Ed25519 public key.
std::string key_id_of(std::string_view public_key_pem);

}  // namespace fleet::token
