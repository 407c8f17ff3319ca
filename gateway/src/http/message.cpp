#include "http/message.h"

#include <algorithm>

namespace fleet::gateway::http {
namespace {
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

std::string_view Request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool Request::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const Header& h) { return iequals(h.first, name); });
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

std::string_view Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

void split_target(std::string_view target, std::string& path, std::string& query) {
  auto q = target.find('?');
  path.assign(target.substr(0, q));
  query.assign(q == std::string_view::npos ? std::string_view{} : target.substr(q + 1));
  // Fragments never reach a server, but a sloppy client may send one.
  if (auto h = query.find('#'); h != std::string::npos) query.resize(h);
}

}  // namespace fleet::gateway::http
