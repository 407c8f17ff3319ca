#pragma once
// Opaque random secrets: refresh tokens (256 bits, base64url) and refresh-token families.
// Only the SHA-256 of a refresh token is ever stored.
#include <string>
#include <string_view>

namespace fleet::auth {

std::string new_refresh_token();
std::string new_family_id();  // 128 bits, hex
std::string sha256_hex(std::string_view data);

}  // namespace fleet::auth
