#include "http/request_id.h"

#include <cstdint>
#include <random>

namespace fleet::gateway::http {

bool is_sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  // Not a secret: uniqueness is all a request id needs.
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = engine();
    for (int i = 0; i < 16; ++i) {
      id[static_cast<std::size_t>(half * 16 + i)] = kHex[bits & 0xF];
      bits >>= 4;
    }
  }
  return id;
}

std::string request_id_for(std::string_view client_value) {
  return is_sane_request_id(client_value) ? std::string(client_value) : new_request_id();
}

}  // namespace fleet::gateway::http
