#pragma once
// One WatchDevices stream: a ServerWriteReactor driven by the domain's FeedWatcher state
// machine, with the same lifetime rules as WatchReactor (it owns itself until OnDone; the hub
// holds it weakly).
#include <memory>

#include "api/convert.h"
#include "device_session/v1/device_session.grpc.pb.h"
#include "domain/device_hub.h"

namespace fleet::device_session {

class FeedReactor final : public grpc::ServerWriteReactor<v1::DeviceFeedEvent>, public FeedWatcher {
 public:
  // Creates the reactor and subscribes it to every change (held back until begin()).
  // False when the hub refused it (incomplete: it has already finished, UNAVAILABLE).
  bool subscribed() const { return ticket_ != 0; }
  static std::shared_ptr<FeedReactor> open(DeviceHub& hub, std::size_t capacity);

  void OnWriteDone(bool ok) override { write_done(ok); }
  void OnCancel() override { end(End::kCancelled); }
  void OnDone() override;

 private:
  FeedReactor(DeviceHub& hub, std::size_t capacity) : FeedWatcher(capacity), hub_(hub) {}
  void start_write(const FeedEvent& event) override;
  void finish(End reason) override;

  DeviceHub& hub_;
  DeviceHub::Ticket ticket_ = 0;
  v1::DeviceFeedEvent message_;  // the message being written; one write at a time
  std::shared_ptr<FeedReactor> self_;
};

}  // namespace fleet::device_session
