#include "http/url.h"

namespace fleet::gateway::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]);
      int lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::vector<std::string> split_path(std::string_view raw_path) {
  std::vector<std::string> segments;
  if (!raw_path.empty() && raw_path.front() == '/') raw_path.remove_prefix(1);
  if (raw_path.empty()) return segments;
  std::size_t start = 0;
  while (true) {
    auto slash = raw_path.find('/', start);
    segments.push_back(percent_decode(raw_path.substr(start, slash - start), false));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

std::optional<std::string_view> ParamList::get(std::string_view name) const {
  for (auto it = items_.rbegin(); it != items_.rend(); ++it) {
    if (it->first == name) return std::string_view(it->second);
  }
  return std::nullopt;
}

ParamList parse_urlencoded(std::string_view text) {
  ParamList params;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto amp = text.find('&', start);
    auto piece =
        text.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!piece.empty()) {
      auto eq = piece.find('=');
      if (eq == std::string_view::npos) {
        params.add(percent_decode(piece, true), "");
      } else {
        params.add(percent_decode(piece.substr(0, eq), true),
                   percent_decode(piece.substr(eq + 1), true));
      }
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return params;
}

}  // namespace fleet::gateway::http
