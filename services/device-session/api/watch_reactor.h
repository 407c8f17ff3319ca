#pragma once
// One WatchDevice stream: a ServerWriteReactor driven by the domain's Watcher state machine.
// Lifetime: the reactor owns itself (self_) from creation until gRPC's OnDone; the hub holds
// only a weak_ptr, and anyone delivering holds a shared_ptr for the call, so neither OnDone nor
// a late event can touch freed memory. After finish() the Watcher never calls gRPC again.
#include <memory>

#include "api/convert.h"
#include "device_session/v1/device_session.grpc.pb.h"
#include "domain/device_hub.h"

namespace fleet::device_session {

class WatchReactor final : public grpc::ServerWriteReactor<v1::DeviceEvent>, public Watcher {
 public:
  // Creates the reactor and subscribes it to the device's events (held back until begin()).
  static std::shared_ptr<WatchReactor> open(DeviceHub& hub, std::int64_t device_id,
                                            std::size_t capacity = kDefaultCapacity);

  void OnWriteDone(bool ok) override { write_done(ok); }
  void OnCancel() override { end(End::kCancelled); }
  void OnDone() override;

 private:
  WatchReactor(DeviceHub& hub, std::int64_t device_id, std::size_t capacity)
      : Watcher(capacity), hub_(hub), device_id_(device_id) {}
  void start_write(const DeviceEvent& event) override;
  void finish(End reason) override;

  DeviceHub& hub_;
  const std::int64_t device_id_;
  DeviceHub::Ticket ticket_ = 0;
  v1::DeviceEvent message_;  // the message being written; one write at a time
  std::shared_ptr<WatchReactor> self_;
};

}  // namespace fleet::device_session
