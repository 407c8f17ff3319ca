#pragma once
// The one way a process here opens a channel to another service (the gateway to every service,
// auth and repair-shop to user), so that all of them reconnect alike.
//
// gRPC's default reconnect backoff starts at 1 s and grows by 1.6x up to 120 s: a service that
// was down for a few seconds was used again only 3-4 s after it came back (issue 11, item 4).
// Here a reconnect is tried 100 ms after a failure and at least once a second, each attempt
// given 1 s to connect, so a restarted service is used again within about a second. Calls stay
// fail-fast (no wait-for-ready): while a service is down they fail UNAVAILABLE at once.
//
// An address may name several replicas (issue 12): every channel balances round robin over the
// connected ones that report SERVING, so calls spread over all of them, and a replica whose
// connection drops or that reports NOT_SERVING is left out at once (its calls in flight fail
// UNAVAILABLE; the next ones go to the others). With none left, calls fail UNAVAILABLE at once.
#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace grpc {
class Channel;
class ChannelArguments;
}  // namespace grpc

namespace fleet::rpc {

inline constexpr std::chrono::milliseconds kInitialReconnectBackoff{100};
inline constexpr std::chrono::milliseconds kMaxReconnectBackoff{1000};
inline constexpr std::chrono::milliseconds kConnectTimeout{1000};
// How soon a dns:/// target may be looked up again (gRPC does so when a connection fails):
// a restarted pod's new address is found within about a second, not gRPC's default 30 s.
inline constexpr std::chrono::milliseconds kMinDnsInterval{1000};

// The arguments above, round robin and health checking, for a caller that adds its own.
grpc::ChannelArguments channel_arguments();

// The gRPC target for an address setting (USER_ADDR, ...):
//   host:port                  unchanged: one server (a name through DNS)
//   ip:port,ip:port,...        ipv4:ip:port,... or, with [ip6]:port items, ipv6:[ip6]:port,...:
//                              every replica, a static list
//   scheme:...                 unchanged, e.g. dns:///auth:50051 (every address of a Kubernetes
//                              headless Service), ipv4:..., ipv6:..., unix:...
// Throws std::invalid_argument for an empty address or list item, a list item that is not an
// IP literal with a port (use dns:/// for names), or a list mixing IPv4 and IPv6.
std::string channel_target(std::string_view address);

// An insecure channel (the services talk inside one trusted network) to `address`, any form of
// channel_target; throws what it throws.
std::shared_ptr<grpc::Channel> make_channel(const std::string& address);

}  // namespace fleet::rpc
