#include "support/fake_watch.h"

namespace fleet::gateway::testing {

void FakeWatch::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  finish(grpc::Status(grpc::StatusCode::CANCELLED, "Cancelled"));
}

void FakeWatch::push(dspb::DeviceEvent::Kind kind, const dspb::Device& device) {
  std::lock_guard lock(mutex_);
  if (done_) return;
  dspb::DeviceEvent event;
  event.set_kind(kind);
  *event.mutable_device() = device;
  callbacks_.on_event(event);
}

void FakeWatch::finish(const grpc::Status& status) {
  std::lock_guard lock(mutex_);
  if (done_) return;
  done_ = true;
  callbacks_.on_done(status);
  callbacks_ = {};
}

bool FakeWatch::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

bool FakeWatch::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::shared_ptr<upstream::Watch> FakeWatcher::watch_device(std::int64_t device_id,
                                                          upstream::WatchCallbacks callbacks) {
  auto watch = std::make_shared<FakeWatch>(device_id, std::move(callbacks));
  {
    std::lock_guard lock(mutex_);
    watches_.push_back(watch);
  }
  if (on_open) on_open(*watch);
  return watch;
}

std::vector<std::shared_ptr<FakeWatch>> FakeWatcher::watches() const {
  std::lock_guard lock(mutex_);
  return watches_;
}

std::size_t FakeWatcher::open_watches() const {
  std::size_t open = 0;
  for (const auto& watch : watches()) open += watch->done() ? 0 : 1;
  return open;
}

void FakeWatcher::publish(dspb::DeviceEvent::Kind kind, const dspb::Device& device) const {
  for (const auto& watch : watches()) {
    if (watch->device_id == device.id()) watch->push(kind, device);
  }
}

}  // namespace fleet::gateway::testing
