#pragma once
// The gRPC side of a service's change feed: the ChangeFeed service (registered next to the
// service's main one) and what a write adapter calls after its commit.
#include <grpcpp/grpcpp.h>

#include <string_view>

#include "changes/v1/changes.grpc.pb.h"
#include "fleet/changes/publisher.h"

namespace fleet::changes {

// The trailing metadata of a write reply: "<topic>=<version>", the version the write made, so
// that the gateway drops what it holds of that topic before it answers (read-your-writes).
inline constexpr std::string_view kVersionTrailer = "x-change-version";

class ChangeFeedService final : public ::fleetgate::changes::v1::ChangeFeed::CallbackService {
 public:
  static constexpr std::size_t kDefaultCapacity = 256;  // changes queued per watcher

  explicit ChangeFeedService(Publisher& publisher, std::size_t capacity = kDefaultCapacity)
      : publisher_(publisher), capacity_(capacity) {}

  grpc::ServerWriteReactor<::fleetgate::changes::v1::Change>* Watch(
      grpc::CallbackServerContext* context,
      const ::fleetgate::changes::v1::WatchRequest* request) override;

 private:
  Publisher& publisher_;
  const std::size_t capacity_;
};

// After a committed write: publishes `topic` and puts its version in the reply's trailing
// metadata. Call on the write's own thread, before the reply is finished.
void publish_committed(grpc::CallbackServerContext& context, Publisher& publisher,
                       std::string_view topic);

}  // namespace fleet::changes
