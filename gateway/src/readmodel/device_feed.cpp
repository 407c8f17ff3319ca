#include "readmodel/device_feed.h"

namespace fleet::gateway::readmodel {

std::shared_ptr<DeviceFeed> follow_devices(boost::asio::io_context& ioc,
                                           upstream::Upstream& upstream, DeviceModel& model,
                                           upstream::Backoff backoff) {
  return DeviceFeed::start(
      ioc, "device_session.WatchDevices",
      [&upstream](upstream::StreamCallbacks<dspb::DeviceFeedEvent> callbacks) {
        const dspb::WatchDevicesRequest request;
        return upstream.stream(&upstream::DeviceSessionRpc::WatchDevices, request,
                               std::move(callbacks));
      },
      {.on_event = [&model](const dspb::DeviceFeedEvent& event) { model.on_event(event); },
       .on_lost = [&model](const grpc::Status&) { model.on_lost(); }},
      backoff);
}

}  // namespace fleet::gateway::readmodel
