#pragma once
// Keeps device-session's WatchDevices feed open for the DeviceModel (upstream::Subscription:
// reopened after a capped backoff; every loss makes the model not current until the next
// snapshot has ended). Call stop() on the result before the io_context goes.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "readmodel/devices.h"
#include "upstream/subscription.h"
#include "upstream/upstream.h"

namespace fleet::gateway::readmodel {

using DeviceFeed = upstream::Subscription<dspb::DeviceFeedEvent>;

std::shared_ptr<DeviceFeed> follow_devices(boost::asio::io_context& ioc,
                                           upstream::Upstream& upstream, DeviceModel& model,
                                           upstream::Backoff backoff = {});

}  // namespace fleet::gateway::readmodel
