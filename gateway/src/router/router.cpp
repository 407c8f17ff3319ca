#include "router/router.h"

#include <stdexcept>

#include "http/url.h"

namespace fleet::gateway::router {

std::optional<std::string_view> PathParams::get(std::string_view name) const {
  for (const auto& [key, value] : items_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

Pattern::Pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  for (auto& text : http::split_path(pattern)) {
    bool is_param = text.size() >= 2 && text.front() == '{' && text.back() == '}';
    if (is_param) {
      text = text.substr(1, text.size() - 2);
    } else {
      ++literals_;
    }
    segments_.push_back(Segment{std::move(text), is_param});
  }
}

bool Pattern::match(const std::vector<std::string>& segments, PathParams& params) const {
  if (segments.size() != segments_.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& want = segments_[i];
    if (want.is_param) {
      if (segments[i].empty()) return false;  // a parameter is never empty, as in Starlette
    } else if (want.text != segments[i]) {
      return false;
    }
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (segments_[i].is_param) params.add(segments_[i].text, segments[i]);
  }
  return true;
}

}  // namespace fleet::gateway::router
