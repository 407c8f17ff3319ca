#pragma once
// A Watcher whose transport is a list: writes complete when the test says so.
#include "domain/device_hub.h"

namespace fleet::device_session::testing {

class Recorder final : public Watcher {
 public:
  using Watcher::Watcher;

  // Completes outstanding writes until none is left.
  void drain() {
    while (writing) complete();
  }
  void complete(bool ok = true) {
    writing = false;
    write_done(ok);
  }
  std::vector<DeviceEvent::Kind> kinds() const {
    std::vector<DeviceEvent::Kind> out;
    for (const auto& e : written) out.push_back(e.kind);
    return out;
  }

  std::vector<DeviceEvent> written;
  std::optional<End> finished;
  bool writing = false;
  int overlapping_writes = 0;

 private:
  void start_write(const DeviceEvent& event) override {
    if (writing) ++overlapping_writes;
    writing = true;
    written.push_back(event);
  }
  void finish(End reason) override {
    if (finished) throw std::logic_error("finished twice");
    finished = reason;
  }
};

}  // namespace fleet::device_session::testing
