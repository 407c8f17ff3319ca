#include "http/idempotency.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace fleet::gateway::http {

bool is_valid_idempotency_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength) return false;
  for (char c : key) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) return false;
  }
  return true;
}

std::string request_fingerprint(std::string_view method, std::string_view path,
                                std::string_view body) {
  std::string input;
  input.reserve(method.size() + path.size() + body.size() + 64);
  for (auto part : {method, path, body}) {
    input += std::to_string(part.size());
    input += ':';
    input += part;
    input += '\n';
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0F];
  }
  return hex;
}

}  // namespace fleet::gateway::http
