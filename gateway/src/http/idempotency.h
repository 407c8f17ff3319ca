#pragma once
// X-Idempotency-Key on POSTs (PLATFORM.md "Idempotency"): the gateway checks the key's shape
// and fingerprints the request, so the service can tell a repeat from a different request that
// reuses the key.
#include <string>
#include <string_view>

namespace fleet::gateway::http {

inline constexpr std::string_view kIdempotencyKeyHeader = "X-Idempotency-Key";
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

// 1..255 visible ASCII characters (0x21..0x7E).
bool is_valid_idempotency_key(std::string_view key);

// Lower-case hex SHA-256 over method, path and body, each length-prefixed so that no two
// different requests share an input.
std::string request_fingerprint(std::string_view method, std::string_view path,
                                std::string_view body);

}  // namespace fleet::gateway::http
