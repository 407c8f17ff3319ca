#pragma once
// The gateway's own request and response types, so route handlers never include Beast.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fleet::gateway::http {

using Header = std::pair<std::string, std::string>;

// Case-insensitive ASCII comparison, as HTTP field names require.
bool iequals(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // raw request target, e.g. "/user/1?x=2"
  std::string path;    // raw path (not decoded), without the query
  std::string query;   // raw query string, without '?'
  std::vector<Header> headers;
  std::string body;
  std::string request_id;  // set by the server before dispatch
  std::string remote_address;

  // The first header of that name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<Header> headers;
  std::string body;

  void set_header(std::string name, std::string value);
  std::string_view header(std::string_view name) const;
};

// Splits a request target into path and query at the first '?'.
void split_target(std::string_view target, std::string& path, std::string& query);

}  // namespace fleet::gateway::http
