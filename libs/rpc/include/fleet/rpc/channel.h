#pragma once
// The one way a process here opens a channel to another service (the gateway to every service,
// auth and repair-shop to user), so that all of them reconnect alike.
//
// gRPC's default reconnect backoff starts at 1 s and grows by 1.6x up to 120 s: a service that
// was down for a few seconds was used again only 3-4 s after it came back (issue 11, item 4).
// Here a reconnect is tried 100 ms after a failure and at least once a second, each attempt
// given 1 s to connect, so a restarted service is used again within about a second. Calls stay
// fail-fast (no wait-for-ready): while a service is down they fail UNAVAILABLE at once.
#include <chrono>
#include <memory>
#include <string>

namespace grpc {
class Channel;
class ChannelArguments;
}  // namespace grpc

namespace fleet::rpc {

inline constexpr std::chrono::milliseconds kInitialReconnectBackoff{100};
inline constexpr std::chrono::milliseconds kMaxReconnectBackoff{1000};
inline constexpr std::chrono::milliseconds kConnectTimeout{1000};

// The arguments above, for a caller that adds its own.
grpc::ChannelArguments channel_arguments();

// An insecure channel (the services talk inside one trusted network) to `address` (host:port).
std::shared_ptr<grpc::Channel> make_channel(const std::string& address);

}  // namespace fleet::rpc
