#include "app/rate_limit.h"

#include <charconv>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "app/setting_text.h"

namespace fleet::gateway::app {
namespace {

[[noreturn]] void bad_rate(std::string_view rule) {
  throw std::invalid_argument("RATE_LIMITS: '" + std::string(rule) +
                              "' needs rate/burst, two positive numbers, or off");
}

double positive_number(std::string_view text, std::string_view rule) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !(value > 0) ||
      !std::isfinite(value)) {
    bad_rate(rule);
  }
  return value;
}

// "10/20" or "off".
std::optional<Rate> parse_rate(std::string_view text, std::string_view rule) {
  if (text == "off") return std::nullopt;
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) bad_rate(rule);
  Rate rate{positive_number(trim(text.substr(0, slash)), rule),
            positive_number(trim(text.substr(slash + 1)), rule)};
  if (rate.burst < 1) bad_rate(rule);  // a bucket must hold one request
  return rate;
}

// "users-v1" or "GET /api/v1/users/{user_id}" for the bucket keys.
std::string route_key(std::string_view method, std::string_view path) {
  return std::string(method) + " " + std::string(path);
}

}  // namespace

std::optional<std::pair<Rate, std::string_view>> RateLimitRules::for_route(
    Surface surface, std::string_view method, std::string_view path) const {
  if (!routes.empty()) {
    if (auto route = routes.find(route_key(method, path)); route != routes.end()) {
      if (!route->second) return std::nullopt;
      return std::pair{*route->second, std::string_view(route->first)};
    }
  }
  const auto& rule = surfaces[static_cast<std::size_t>(surface)];
  if (!rule) return std::nullopt;
  return std::pair{*rule, surface_name(surface)};
}

RateLimitRules parse_rate_limits(std::string_view setting) {
  RateLimitRules rules;
  if (trim(setting) == "off") return rules;
  while (!setting.empty()) {
    const auto semicolon = setting.find(';');
    const auto rule = trim(setting.substr(0, semicolon));
    if (!rule.empty()) {
      const auto equals = rule.find('=');
      if (equals == std::string_view::npos) {
        throw std::invalid_argument("RATE_LIMITS: '" + std::string(rule) +
                                    "' is not scope=rate/burst");
      }
      const auto scope = trim(rule.substr(0, equals));
      const auto rate = parse_rate(trim(rule.substr(equals + 1)), rule);
      if (scope == "docs") {
        rules.docs = rate;
      } else if (auto surface = surface_named(scope)) {
        rules.surfaces[static_cast<std::size_t>(*surface)] = rate;
      } else if (const auto space = scope.find(' ');
                 space != std::string_view::npos && scope.substr(space + 1).starts_with('/')) {
        rules.routes[route_key(scope.substr(0, space), trim(scope.substr(space + 1)))] = rate;
      } else {
        throw std::invalid_argument("RATE_LIMITS: unknown scope '" + std::string(scope) +
                                    "' (a surface, docs, or \"METHOD /path\")");
      }
    }
    if (semicolon == std::string_view::npos) break;
    setting.remove_prefix(semicolon + 1);
  }
  return rules;
}

std::string client_address(const http::Request& request,
                           const std::vector<std::string>& trusted_proxies) {
  auto trusted = [&](std::string_view address) {
    for (const auto& proxy : trusted_proxies) {
      if (proxy == address) return true;
    }
    return false;
  };
  if (!trusted(request.remote_address) || !request.has_header("X-Forwarded-For")) {
    return request.remote_address;
  }
  // Right to left: each entry was appended by the proxy after it; stop at the first not trusted.
  std::string_view forwarded = request.header("X-Forwarded-For");
  std::string_view client = request.remote_address;
  while (!forwarded.empty()) {
    const auto comma = forwarded.rfind(',');
    const auto entry =
        trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    if (entry.empty() || entry.size() > 64) break;  // malformed: keep the last good hop
    client = entry;
    if (!trusted(entry)) break;
    if (comma == std::string_view::npos) break;
    forwarded = forwarded.substr(0, comma);
  }
  return std::string(client);
}

RateLimiter::RateLimiter(RateLimitRules rules, std::vector<std::string> trusted_proxies,
                         std::size_t max_clients, const Clock& clock)
    : rules_(std::move(rules)),
      trusted_proxies_(std::move(trusted_proxies)),
      max_per_shard_(std::max<std::size_t>(1, max_clients / kShards)),
      clock_(clock) {}

std::optional<std::chrono::seconds> RateLimiter::take(const http::Request& request,
                                                      std::string_view scope, const Rate& rate) {
  std::string key = std::string(scope) + '\n' + client_address(request, trusted_proxies_);
  auto& shard = shards_[std::hash<std::string>{}(key) % kShards];
  const auto now = clock_.now();
  std::lock_guard lock(shard.mutex);
  auto found = shard.buckets.find(key);
  if (found == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) {
      shard.buckets.erase(shard.use_order.back());
      shard.use_order.pop_back();
    }
    shard.use_order.push_front(key);
    found = shard.buckets.emplace(std::move(key), Bucket{rate.burst, now, shard.use_order.begin()})
                .first;
  } else {
    shard.use_order.splice(shard.use_order.begin(), shard.use_order, found->second.age);
  }
  auto& bucket = found->second;
  // A clock set back refills nothing.
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - bucket.updated).count());
  bucket.tokens = std::min(rate.burst, bucket.tokens + elapsed * rate.per_second);
  bucket.updated = std::max(bucket.updated, now);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  const auto wait = std::ceil((1 - bucket.tokens) / rate.per_second);
  return std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(wait)));
}

}  // namespace fleet::gateway::app
