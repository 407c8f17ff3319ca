#pragma once
// WatchDevice streams the test controls: it pushes events and ends them; cancel() ends one with
// CANCELLED as gRPC would. No device-session rule lives here.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "upstream/upstream.h"

namespace fleet::gateway::testing {

namespace dspb = upstream::dspb;

class FakeWatch final : public upstream::Watch {
 public:
  FakeWatch(std::int64_t device_id, upstream::WatchCallbacks callbacks)
      : device_id(device_id), callbacks_(std::move(callbacks)) {}
  void cancel() override;
  void push(dspb::DeviceEvent::Kind kind, const dspb::Device& device);
  void finish(const grpc::Status& status);
  bool done() const;
  bool cancelled() const;

  const std::int64_t device_id;

 private:
  mutable std::mutex mutex_;
  upstream::WatchCallbacks callbacks_;
  bool done_ = false;
  bool cancelled_ = false;
};

// Opens FakeWatches and keeps every one.
class FakeWatcher final : public upstream::Watcher {
 public:
  std::shared_ptr<upstream::Watch> watch_device(std::int64_t device_id,
                                                upstream::WatchCallbacks callbacks) override;
  std::vector<std::shared_ptr<FakeWatch>> watches() const;
  std::size_t open_watches() const;
  // Pushes the event on every open stream of the device.
  void publish(dspb::DeviceEvent::Kind kind, const dspb::Device& device) const;

  // Runs on each new stream, e.g. to push the snapshot a test wants the service to send.
  std::function<void(FakeWatch&)> on_open;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<FakeWatch>> watches_;
};

}  // namespace fleet::gateway::testing
