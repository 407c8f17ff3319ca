#include "fleet/rpc/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

namespace fleet::rpc {

grpc::ChannelArguments channel_arguments() {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
                   static_cast<int>(kInitialReconnectBackoff.count()));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS,
                   static_cast<int>(kMaxReconnectBackoff.count()));
  // Despite its name, the deadline of one connection attempt (default 20 s): a peer that drops
  // SYNs (a dead pod's address) would otherwise hold the channel in CONNECTING, where calls wait.
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(kConnectTimeout.count()));
  return arguments;
}

std::shared_ptr<grpc::Channel> make_channel(const std::string& address) {
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   channel_arguments());
}

}  // namespace fleet::rpc
