#include "fleet/token/jwt.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <boost/json.hpp>
#include <charconv>
#include <stdexcept>

#include "base64url.h"

namespace fleet::token {
namespace {

using detail::base64url_decode;
using detail::base64url_encode;

constexpr std::string_view kAlgorithm = "EdDSA";
constexpr std::size_t kSignatureBytes = 64;  // Ed25519
// exp/iat/nbf past system_clock's range (its nanoseconds end in April 2262) cannot be converted
// without overflow (undefined behaviour); no real token has them, so they are malformed.
constexpr std::int64_t kMaxEpochSeconds =
    std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max())
        .count();

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

// OpenSSL keeps a per-thread error queue; leave it empty so later calls see only their own errors.
[[noreturn]] void fail_invalid(const char* what) {
  ERR_clear_error();
  throw std::invalid_argument(what);
}
[[noreturn]] void fail_runtime(const char* what) {
  ERR_clear_error();
  throw std::runtime_error(what);
}

BioPtr memory_bio(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    fail_invalid("PEM too large");
  }
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) fail_runtime("BIO_new_mem_buf failed");
  return bio;
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// Refuses to prompt for a passphrase: an encrypted key is simply not accepted.
int no_passphrase(char*, int, int, void*) { return -1; }

PkeyPtr read_public_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    fail_invalid("not an Ed25519 public key PEM");
  }
  return key;
}

PkeyPtr read_private_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    fail_invalid("not an Ed25519 private key PEM");
  }
  return key;
}

std::string public_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
    fail_runtime("PEM_write_bio_PUBKEY failed");
  return drain(bio.get());
}

std::string sign_bytes(EVP_PKEY* key, std::string_view message) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::string signature(kSignatureBytes, '\0');
  std::size_t length = signature.size();
  // Ed25519 hashes internally: one-shot EVP_DigestSign with a NULL digest.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    fail_runtime("Ed25519 signing failed");
  }
  signature.resize(length);
  return signature;
}

bool verify_bytes(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) fail_runtime("EVP_MD_CTX_new failed");
  const bool ok =
      EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    fail_runtime("RAND_bytes failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::int64_t epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::optional<boost::json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

const boost::json::string* string_field(const boost::json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value ? value->if_string() : nullptr;
}

std::optional<std::chrono::system_clock::time_point> time_field(const boost::json::object& object,
                                                                std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return std::nullopt;
  std::int64_t seconds = 0;
  if (const auto* i = value->if_int64()) {
    seconds = *i;
  } else if (const auto* u = value->if_uint64();
             u && *u <= static_cast<std::uint64_t>(kMaxEpochSeconds)) {
    seconds = static_cast<std::int64_t>(*u);
  } else {
    return std::nullopt;
  }
  if (seconds < 0 || seconds > kMaxEpochSeconds) return std::nullopt;
  return std::chrono::system_clock::time_point{std::chrono::seconds{seconds}};
}

// "sub" is a positive decimal user id without sign or leading zeros.
std::optional<std::int64_t> parse_subject(std::string_view text) {
  if (text.empty() || text.front() == '0') return std::nullopt;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

VerifyResult failure(VerifyError error) { return VerifyResult{std::nullopt, error}; }

}  // namespace

const char* to_string(VerifyError error) {
  switch (error) {
    case VerifyError::kMalformed:
      return "malformed";
    case VerifyError::kWrongAlgorithm:
      return "wrong_algorithm";
    case VerifyError::kBadSignature:
      return "bad_signature";
    case VerifyError::kExpired:
      return "expired";
    case VerifyError::kNotYetValid:
      return "not_yet_valid";
    case VerifyError::kWrongIssuer:
      return "wrong_issuer";
    case VerifyError::kWrongAudience:
      return "wrong_audience";
    case VerifyError::kUnknownKey:
      return "unknown_key";
    case VerifyError::kKeyRetired:
      return "key_retired";
  }
  return "unknown";
}

// --- Verifier -------------------------------------------------------------------------------

namespace {

bool names_audience(const boost::json::object& payload, std::string_view audience) {
  const auto* aud = payload.if_contains("aud");
  if (aud == nullptr) return false;
  if (aud->is_string()) return aud->get_string() == audience;
  if (!aud->is_array()) return false;
  for (const auto& entry : aud->get_array()) {
    if (entry.is_string() && entry.get_string() == audience) return true;
  }
  return false;
}

}  // namespace

struct Verifier::Impl {
  // EVP_PKEY is safe to share between threads for verification; each call has its own context.
  PkeyPtr key;
  std::string issuer;
  const Clock* clock;
  std::string audience;
};

Verifier::Verifier(std::string_view public_key_pem, std::string issuer, const Clock& clock,
                   std::string audience)
    : impl_(std::make_unique<Impl>(Impl{read_public_key(public_key_pem), std::move(issuer),
                                        &clock, std::move(audience)})) {}
Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;

VerifyResult Verifier::verify(std::string_view token) const {
  if (token.size() > kMaxTokenBytes) return failure(VerifyError::kMalformed);
  const auto first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return failure(VerifyError::kMalformed);
  const auto second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return failure(VerifyError::kMalformed);
  }
  const std::string_view header_text = token.substr(0, first_dot);
  const std::string_view payload_text = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_text = token.substr(second_dot + 1);

  // The header decides nothing but must name our one algorithm: "none", HS256 (key confusion)
  // and everything else are refused before any cryptography.
  const auto header_json = base64url_decode(header_text);
  if (!header_json) return failure(VerifyError::kMalformed);
  const auto header = parse_object(*header_json);
  if (!header) return failure(VerifyError::kMalformed);
  const auto* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != kAlgorithm) {
    return failure(VerifyError::kWrongAlgorithm);
  }
  if (const auto* typ = header->if_contains("typ");
      typ && (!typ->is_string() || typ->get_string() != "JWT")) {
    return failure(VerifyError::kMalformed);
  }
  if (const auto* kid = header->if_contains("kid"); kid && !kid->is_string()) {
    return failure(VerifyError::kMalformed);
  }
  // RFC 7515 §4.1.11: critical extensions we do not understand must be rejected.
  if (header->contains("crit")) return failure(VerifyError::kMalformed);

  const auto signature = base64url_decode(signature_text);
  if (!signature) return failure(VerifyError::kMalformed);
  if (signature->size() != kSignatureBytes ||
      !verify_bytes(impl_->key.get(), token.substr(0, second_dot), *signature)) {
    return failure(VerifyError::kBadSignature);
  }

  // Only a payload signed by our key is parsed.
  const auto payload_json = base64url_decode(payload_text);
  if (!payload_json) return failure(VerifyError::kMalformed);
  const auto payload = parse_object(*payload_json);
  if (!payload) return failure(VerifyError::kMalformed);

  const auto* sub = string_field(*payload, "sub");
  const auto* role = string_field(*payload, "role");
  const auto* iss = string_field(*payload, "iss");
  const auto* jti = string_field(*payload, "jti");
  const auto iat = time_field(*payload, "iat");
  const auto nbf = time_field(*payload, "nbf");
  const auto exp = time_field(*payload, "exp");
  if (!sub || !role || !iss || !jti || !iat || !nbf || !exp)
    return failure(VerifyError::kMalformed);
  const auto user_id = parse_subject(*sub);
  if (!user_id) return failure(VerifyError::kMalformed);

  if (*iss != impl_->issuer) return failure(VerifyError::kWrongIssuer);
  // RFC 7519 §4.1.3: a string, or an array of strings, that must name us.
  if (!names_audience(*payload, impl_->audience)) return failure(VerifyError::kWrongAudience);
  const auto now = impl_->clock->now();
  if (*exp <= now) return failure(VerifyError::kExpired);
  if (*nbf > now) return failure(VerifyError::kNotYetValid);

  Claims claims;
  claims.user_id = *user_id;
  claims.role = std::string(*role);
  claims.issued_at = *iat;
  claims.expires_at = *exp;
  claims.token_id = std::string(*jti);
  return VerifyResult{std::move(claims), VerifyError::kMalformed};
}

std::optional<std::string> token_key_id(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto header_json = base64url_decode(token.substr(0, dot));
  if (!header_json) return std::nullopt;
  const auto header = parse_object(*header_json);
  if (!header) return std::nullopt;
  const auto* kid = string_field(*header, "kid");
  if (kid == nullptr) return std::nullopt;
  return std::string(*kid);
}

// --- Signer ---------------------------------------------------------------------------------

struct Signer::Impl {
  PkeyPtr key;
  std::string issuer;
  std::string key_id;
  std::chrono::seconds ttl;
  const Clock* clock;
  std::string encoded_header;  // the same for every token
  std::string audience;
};

Signer::Signer(std::string_view private_key_pem, std::string issuer, std::string key_id,
               std::chrono::seconds ttl, const Clock& clock, std::string audience) {
  if (ttl <= std::chrono::seconds::zero())
    throw std::invalid_argument("token ttl must be positive");
  boost::json::object header{{"alg", kAlgorithm}, {"typ", "JWT"}};
  if (!key_id.empty()) header["kid"] = key_id;
  impl_ = std::make_unique<Impl>(Impl{read_private_key(private_key_pem), std::move(issuer),
                                      std::move(key_id), ttl, &clock,
                                      base64url_encode(boost::json::serialize(header)),
                                      std::move(audience)});
}
Signer::~Signer() = default;

std::string Signer::sign(std::int64_t user_id, std::string_view role) const {
  const std::int64_t now = epoch_seconds(impl_->clock->now());
  const boost::json::object payload{
      {"sub", std::to_string(user_id)},
      {"role", role},
      {"iat", now},
      {"nbf", now},
      {"exp", now + impl_->ttl.count()},
      {"iss", impl_->issuer},
      {"aud", impl_->audience},
      {"jti", random_hex(16)},
  };
  std::string token =
      impl_->encoded_header + '.' + base64url_encode(boost::json::serialize(payload));
  const std::string signature = sign_bytes(impl_->key.get(), token);
  token += '.';
  token += base64url_encode(signature);
  return token;
}

std::string Signer::public_key_pem() const { return public_pem(impl_->key.get()); }
const std::string& Signer::key_id() const { return impl_->key_id; }
std::chrono::seconds Signer::ttl() const { return impl_->ttl; }

// --- keys -----------------------------------------------------------------------------------

std::string generate_private_key_pem() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) fail_runtime("Ed25519 key generation failed");
  BioPtr bio(BIO_new(BIO_s_mem()));
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"), unencrypted.
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail_runtime("PEM_write_bio_PrivateKey failed");
  }
  return drain(bio.get());
}

std::string public_key_pem_of(std::string_view private_key_pem) {
  return public_pem(read_private_key(private_key_pem).get());
}

std::string key_id_of(std::string_view public_key_pem) {
  const auto key = read_public_key(public_key_pem);
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key.get(), &der);
  if (length <= 0) fail_runtime("i2d_PUBKEY failed");
  unsigned char digest[32];
  unsigned int digest_length = 0;
  const bool ok = EVP_Digest(der, static_cast<std::size_t>(length), digest, &digest_length,
                             EVP_sha256(), nullptr) == 1;
  OPENSSL_free(der);
  if (!ok) fail_runtime("SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 8; ++i) {
    id += kHex[digest[i] >> 4];
    id += kHex[digest[i] & 15];
  }
  return id;
}

}  // namespace fleet::token
