#pragma once
// Base64url without padding (RFC 7515 §2). Decoding is strict: only the URL-safe alphabet, no
// padding, no whitespace, and the unused low bits of the last symbol must be zero, so every
// byte string has exactly one accepted encoding.
#include <optional>
#include <string>
#include <string_view>

namespace fleet::token::detail {

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace fleet::token::detail
