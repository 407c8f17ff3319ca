#pragma once
// A route table: method + path pattern with {params}, e.g. "GET /user/{uid}". A route whose
// method matches wins over one whose path alone matches (so DELETE /user/all reaches
// /user/{uid}); among those, more literal segments win (GET /user/all beats /user/{uid}).
// A path that matches only with other methods is 405 with the allowed methods.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fleet::gateway::router {

class PathParams {
 public:
  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  std::optional<std::string_view> get(std::string_view name) const;
  void clear() { items_.clear(); }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

class Pattern {
 public:
  // "/user/{uid}"; throws std::invalid_argument on a malformed pattern.
  explicit Pattern(std::string_view pattern);
  // Matches decoded segments (see http::split_path); params are filled only on success.
  bool match(const std::vector<std::string>& segments, PathParams& params) const;
  int literal_count() const { return literals_; }

 private:
  struct Segment {
    std::string text;
    bool is_param;
  };
  std::vector<Segment> segments_;
  int literals_ = 0;
};

enum class MatchKind { kFound, kNotFound, kMethodNotAllowed };

template <typename Handler>
class Router {
 public:
  struct Result {
    MatchKind kind = MatchKind::kNotFound;
    const Handler* handler = nullptr;
    PathParams params;
    std::vector<std::string> allowed;  // for kMethodNotAllowed
  };

  void add(std::string method, std::string_view pattern, Handler handler) {
    routes_.push_back(Route{std::move(method), Pattern(pattern), std::move(handler)});
  }

  Result find(std::string_view method, const std::vector<std::string>& segments) const {
    Result result;
    const Route* best = nullptr;
    PathParams params;
    for (const auto& route : routes_) {
      params.clear();
      if (!route.pattern.match(segments, params)) continue;
      if (route.method != method) {
        if (!contains(result.allowed, route.method)) result.allowed.push_back(route.method);
        continue;
      }
      if (best == nullptr || route.pattern.literal_count() > best->pattern.literal_count()) {
        best = &route;
        result.params = params;
      }
    }
    if (best != nullptr) {
      result.kind = MatchKind::kFound;
      result.handler = &best->handler;
      result.allowed.clear();
    } else if (!result.allowed.empty()) {
      result.kind = MatchKind::kMethodNotAllowed;
    }
    return result;
  }

 private:
  struct Route {
    std::string method;
    Pattern pattern;
    Handler handler;
  };
  static bool contains(const std::vector<std::string>& list, const std::string& item) {
    for (const auto& x : list) {
      if (x == item) return true;
    }
    return false;
  }
  std::vector<Route> routes_;
};

}  // namespace fleet::gateway::router
