#pragma once
// The countdown fan-out (PLATFORM.md "Realtime"): per gateway process, ONE upstream WatchDevice
// stream per device however many sockets watch it. A device's channel lives on its own strand:
//   - the stream opens with the first subscriber and closes `linger` after the last one left;
//     if it fails it is reopened with exponential backoff while sockets keep the last state;
//   - it holds the device's state (running, user_id, end_time) from the stream's events;
//   - one timer per device ticks the timeleft sockets once a second, aligned to the moments the
//     whole seconds left change, and each tick's message is built once and shared by every
//     socket's queue;
//   - a new socket gets the current state at once (or as soon as the first event arrives), and
//     every socket gets a message at once on start, stop and expiry.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "app/metrics.h"
#include "fleet/common/clock.h"
#include "server/websocket.h"
#include "upstream/upstream.h"

namespace fleet::gateway::realtime {

enum class Feed { kTimeleft, kStatus };

struct HubOptions {
  std::chrono::milliseconds linger{3000};
  std::chrono::milliseconds backoff_min{250};
  std::chrono::milliseconds backoff_max{10000};
  bool ticks = true;  // false: nothing ticks by itself (tests call tick())
};

class DeviceHub {
 public:
  using Ticket = std::uint64_t;

  DeviceHub(boost::asio::io_context& ioc, upstream::Upstream& upstream, const Clock& clock,
            app::Metrics& metrics, HubOptions options = {});
  ~DeviceHub();
  DeviceHub(const DeviceHub&) = delete;
  DeviceHub& operator=(const DeviceHub&) = delete;

  // True once this process has seen the device's state (it exists), so a handshake needs no
  // upstream call to tell an unknown device.
  bool knows(std::int64_t device_id) const;

  // Thread-safe. The socket receives the device's messages for `feed` until unsubscribed.
  Ticket subscribe(std::int64_t device_id, Feed feed, std::shared_ptr<ws::Socket> socket);
  void unsubscribe(std::int64_t device_id, Ticket ticket);

  // A device's state from a write's own reply (start, stop), shown at once to the sockets of a
  // device this process follows when it is newer than what they were shown: a socket opened
  // right after one's own start sees it, before the stream's event arrives. Thread-safe.
  void apply(const upstream::dspb::Device& device);

  // Sends the timeleft tick now, as the timer does (tests with ticks off).
  void tick(std::int64_t device_id);

  // Cancels every upstream stream and timer. Call once the io_context has stopped (the
  // destructor does too); gRPC then finishes the streams on its own threads.
  void shutdown();

  struct Channel;  // public for the .cpp's helpers

 private:
  std::shared_ptr<Channel> channel(std::int64_t device_id, bool create);

  boost::asio::io_context& ioc_;
  upstream::Upstream& upstream_;
  const Clock& clock_;
  app::Metrics& metrics_;
  const HubOptions options_;
  std::atomic<Ticket> next_ticket_{1};
  mutable std::mutex mutex_;
  // Channels stay for the life of the process: one per existing device that was ever watched
  // (unknown ids are refused at the handshake), each small once its stream is closed.
  std::map<std::int64_t, std::shared_ptr<Channel>> channels_;
};

}  // namespace fleet::gateway::realtime
