#pragma once
// "Authorization: Bearer <token>", as FastAPI's OAuth2PasswordBearer reads it: the scheme is
// case-insensitive and separated from the token by whitespace.
#include <optional>
#include <string_view>

namespace fleet::gateway::auth {

// The token, or nullopt when the header is absent, has another scheme or no token.
std::optional<std::string_view> parse_bearer(std::string_view authorization);

}  // namespace fleet::gateway::auth
