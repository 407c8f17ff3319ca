// The Authorization header and the access token in it: parse_bearer (gateway/src/auth), then
// libs/token's Verifier (base64url, header JSON, Ed25519 signature, claims, time). Two kinds of
// input:
//   - anything: the header's value, e.g. "Bearer eyJ...". A token signed by another key can only
//     reach the signature check, so the seeds hold tokens signed by this file's key.
//   - "P:" header JSON, a newline, payload JSON: the target signs the pair with its key and
//     verifies the token, so the fuzzer reaches the claim checks behind a good signature.
// A token that verifies must be in its one canonical spelling (issue 11 item 2) and valid now.
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "auth/bearer.h"
#include "base64url.h"
#include "fleet/token/jwt.h"
#include "fuzz_check.h"

namespace {

using fleet::token::detail::base64url_decode;
using fleet::token::detail::base64url_encode;

// A key for fuzzing only; the seeds' tokens are signed with it.
constexpr std::string_view kPrivateKeyPem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEILtDKuev7D5+JyfR+yVRyALofO+m1Dg7X9Ee43RA0KoS\n"
    "-----END PRIVATE KEY-----\n";
constexpr std::string_view kIssuer = "fleetgate-auth";
// Seeds' tokens: iat = nbf = 1699999000, exp = 1700003600; the clock stands in between.
const fleet::ManualClock kClock{fleet::Clock::time_point{std::chrono::seconds{1'700'000'000}}};

const fleet::token::Verifier& verifier() {
  static const fleet::token::Verifier v(fleet::token::public_key_pem_of(kPrivateKeyPem),
                                        std::string(kIssuer), kClock);
  return v;
}

std::string sign(std::string_view header_json, std::string_view payload_json) {
  static EVP_PKEY* key = [] {
    BIO* bio = BIO_new_mem_buf(kPrivateKeyPem.data(), static_cast<int>(kPrivateKeyPem.size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    FUZZ_REQUIRE(k != nullptr);
    return k;
  }();
  std::string token = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char signature[64];
  std::size_t length = sizeof signature;
  FUZZ_REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1);
  FUZZ_REQUIRE(EVP_DigestSign(ctx.get(), signature, &length,
                              reinterpret_cast<const unsigned char*>(token.data()),
                              token.size()) == 1);
  return token + "." +
         base64url_encode(std::string_view(reinterpret_cast<const char*>(signature), length));
}

void verify(std::string_view token) {
  const auto result = verifier().verify(token);
  if (!result) return;
  for (std::size_t start = 0;;) {
    const auto dot = token.find('.', start);
    const auto part = token.substr(start, dot == std::string_view::npos ? dot : dot - start);
    const auto bytes = base64url_decode(part);
    FUZZ_REQUIRE(bytes && base64url_encode(*bytes) == part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  const auto& claims = *result.claims;
  FUZZ_REQUIRE(claims.user_id > 0);
  FUZZ_REQUIRE(claims.expires_at > kClock.now());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.starts_with("P:")) {
    const auto rest = input.substr(2);
    const auto newline = rest.find('\n');
    if (newline == std::string_view::npos) return 0;
    verify(sign(rest.substr(0, newline), rest.substr(newline + 1)));
    return 0;
  }
  const auto token = fleet::gateway::auth::parse_bearer(input);
  if (!token) return 0;
  FUZZ_REQUIRE(!token->empty() && input.find(*token) != std::string_view::npos);
  verify(*token);
  return 0;
}
