#pragma once
// The rental devices and wallets in memory, fed by device-session's WatchDevices change feed
// (readmodel/device_feed.h), so that GET /device/{id}, /device/all and the `cash` of rental
// accounts are answered without a round trip while the model is current.
//
// - Current: the feed is live and its snapshot has ended. Otherwise every read returns "not
//   current" and the caller goes upstream as before.
// - Devices are kept as the service sent them (with their versions); a read renders one as the
//   service would at the gateway's clock: running while end_time is ahead, time_left the
//   seconds to end_time, as_of now.
// - Versions decide: a device or wallet replaces what the model holds only if newer, so a late
//   event never undoes a newer state, and a start, stop or SetCash reply applied before the
//   gateway answers (read-your-writes) is not undone by the feed catching up.
// - Wallets are a bounded cache: filled from GetWallets replies only if no wallet event and no
//   loss happened since the call was sent (a generation counter), updated by wallet events
//   (entries present only, so an evicted entry cannot come back stale), dropped when the feed
//   is lost.
// Thread-safe: the feed's gRPC thread writes, io threads read.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "device_session/v1/device_session.pb.h"
#include "fleet/common/clock.h"

namespace fleet::gateway::app {
class Metrics;
}

namespace fleet::gateway::readmodel {

namespace dspb = ::fleetgate::device_session::v1;

class DeviceModel {
 public:
  struct Limits {
    std::size_t max_devices = 100'000;  // a larger fleet is never current: reads go upstream
    std::size_t max_wallets = 100'000;
  };
  enum class Found { kNotCurrent, kUnknown, kFound };
  struct DeviceRead {
    Found found = Found::kNotCurrent;
    dspb::Device device;  // when kFound
  };
  // A GetWallets call's claim to fill the cache with its reply.
  using Ticket = std::uint64_t;

  DeviceModel(const fleet::Clock& clock, app::Metrics& metrics, Limits limits);
  DeviceModel(const fleet::Clock& clock, app::Metrics& metrics)
      : DeviceModel(clock, metrics, Limits{}) {}

  // The feed, in order (a gRPC thread).
  void on_event(const dspb::DeviceFeedEvent& event);
  // The feed ended: not current until the next snapshot has ended; wallets are dropped.
  void on_lost();

  bool current() const;
  // The device as the service would render it now; kUnknown is the service's NOT_FOUND.
  DeviceRead device(std::int64_t id) const;
  // Every device by id, or nothing when not current.
  std::optional<dspb::ListDevicesResponse> devices() const;
  // The wallet's cash, if cached while current.
  std::optional<std::string> cash(std::int64_t user_id) const;

  // A device or wallet from a reply of the gateway's own call (start, stop, SetCash): kept if
  // newer than what the model holds, so the caller's next read sees it.
  void apply(const dspb::Device& device);
  void apply(const dspb::Wallet& wallet);

  // Take before sending GetWallets; nothing when not current (the reply is then not kept).
  std::optional<Ticket> wallet_ticket() const;
  // Keeps the reply's wallets if nothing changed since `ticket` was taken.
  void fill(Ticket ticket, const dspb::GetWalletsResponse& reply);

  std::size_t cached_wallets() const;

 private:
  struct CachedWallet {
    std::string cash;
    std::int64_t version = 0;
  };
  // Under the exclusive lock.
  void keep_device(const dspb::Device& device);
  void keep_wallet(std::int64_t user_id, const std::string& cash, std::int64_t version);
  void drop_all();

  const fleet::Clock& clock_;
  app::Metrics& metrics_;
  const Limits limits_;
  mutable std::shared_mutex mutex_;
  bool current_ = false;
  bool too_many_ = false;  // the fleet outgrew max_devices: stay not current until a new feed
  std::map<std::int64_t, dspb::Device> devices_;
  std::unordered_map<std::int64_t, CachedWallet> wallets_;
  // Changes on every wallet event, loss and snapshot end; a fill must see the ticket's value.
  std::uint64_t generation_ = 1;
};

}  // namespace fleet::gateway::readmodel
