#include "fleet/rpc/channel.h"

#include <arpa/inet.h>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>
#include <vector>

#include "fleet/common/config.h"

namespace fleet::rpc {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
}

// "dns:///x:1", "ipv4:...", "unix:/path": a scheme, i.e. a word then ':' not followed by a port
// (as in "host:1" or "host:1,host:2").
bool has_scheme(std::string_view address) {
  const auto colon = address.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto scheme = address.substr(0, colon);
  const bool word = std::all_of(scheme.begin(), scheme.end(), [](unsigned char c) {
    return std::isalnum(c) != 0 || c == '+' || c == '.' || c == '-';
  });
  return word && std::isalpha(static_cast<unsigned char>(scheme[0])) != 0 &&
         !all_digits(address.substr(colon + 1, address.find(',', colon) - colon - 1));
}

bool valid_port(std::string_view port) {
  return all_digits(port) && port.size() <= 5 && std::stoi(std::string(port)) >= 1 &&
         std::stoi(std::string(port)) <= 65535;
}

enum class Family { kIpv4, kIpv6 };

// One item of a list: "1.2.3.4:50052" or "[::1]:50052".
Family family_of(std::string_view item, std::string_view address) {
  const auto invalid = [&](const char* why) {
    return std::invalid_argument("address list '" + std::string(address) + "': '" +
                                 std::string(item) + "' " + why);
  };
  const auto colon = item.rfind(':');
  if (colon == std::string_view::npos || !valid_port(item.substr(colon + 1))) {
    throw invalid("has no port");
  }
  auto host = std::string(item.substr(0, colon));
  unsigned char buffer[sizeof(in6_addr)];
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buffer) == 1) {
      return Family::kIpv6;
    }
  } else if (inet_pton(AF_INET, host.c_str(), buffer) == 1) {
    return Family::kIpv4;
  }
  throw invalid("is not an IP address with a port (name replicas with dns:///name:port)");
}

}  // namespace

grpc::ChannelArguments channel_arguments() {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
                   static_cast<int>(kInitialReconnectBackoff.count()));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                   static_cast<int>(kMaxReconnectBackoff.count()));
  // Despite its name, the deadline of one connection attempt (default 20 s): a peer that drops
  // SYNs (a dead pod's address) would otherwise hold the channel in CONNECTING, where calls wait.
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(kConnectTimeout.count()));
  arguments.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS,
                   static_cast<int>(kMinDnsInterval.count()));
  // pick_first (the default) would send everything to the first replica that answers. Health
  // checking (a Health.Watch per connection) leaves out a replica that reports NOT_SERVING: one
  // shutting down (fleet::rpc::Server says so before it drains) or without its database.
  arguments.SetServiceConfigJSON(
      R"({"loadBalancingConfig": [{"round_robin": {}}], "healthCheckConfig": {"serviceName": ""}})");
  return arguments;
}

std::string channel_target(std::string_view address) {
  address = config::trimmed(address);
  if (address.empty()) throw std::invalid_argument("empty service address");
  if (has_scheme(address) || address.find(',') == std::string_view::npos) {
    return std::string(address);
  }
  const auto items = config::split_list(address);
  std::optional<Family> family;
  for (const auto item : items) {
    if (item.empty()) {
      throw std::invalid_argument("address list '" + std::string(address) + "' has an empty item");
    }
    const Family this_family = family_of(item, address);
    if (family && *family != this_family) {
      throw std::invalid_argument("address list '" + std::string(address) +
                                  "' mixes IPv4 and IPv6 addresses");
    }
    family = this_family;
  }
  std::string target = *family == Family::kIpv4 ? "ipv4:" : "ipv6:";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) target += ',';
    target += items[i];
  }
  return target;
}

std::shared_ptr<grpc::Channel> make_channel(const std::string& address) {
  return grpc::CreateCustomChannel(channel_target(address), grpc::InsecureChannelCredentials(),
                                   channel_arguments());
}

}  // namespace fleet::rpc
