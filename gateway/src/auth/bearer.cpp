#include "auth/bearer.h"

#include "http/message.h"

namespace fleet::gateway::auth {
namespace {
bool blank(char c) { return c == ' ' || c == '\t'; }
}  // namespace

std::optional<std::string_view> parse_bearer(std::string_view header) {
  while (!header.empty() && blank(header.front())) header.remove_prefix(1);
  while (!header.empty() && blank(header.back())) header.remove_suffix(1);
  std::size_t space = 0;
  while (space < header.size() && !blank(header[space])) ++space;
  if (!http::iequals(header.substr(0, space), "bearer")) return std::nullopt;
  auto token = header.substr(space);
  while (!token.empty() && blank(token.front())) token.remove_prefix(1);
  if (token.empty()) return std::nullopt;
  // A token is one word; "Bearer a b" is ill-formed.
  for (char c : token) {
    if (blank(c)) return std::nullopt;
  }
  return token;
}

}  // namespace fleet::gateway::auth
