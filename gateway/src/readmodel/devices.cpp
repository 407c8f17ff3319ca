#include "readmodel/devices.h"

#include <chrono>
#include <mutex>

#include "app/metrics.h"

namespace fleet::gateway::readmodel {
namespace {

using TimePoint = fleet::Clock::time_point;

TimePoint time_of(const google::protobuf::Timestamp& t) {
  return TimePoint{std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::seconds(t.seconds()) + std::chrono::nanoseconds(t.nanos()))};
}

void set_time(google::protobuf::Timestamp* out, TimePoint t) {
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  out->set_seconds(ns / 1'000'000'000);
  out->set_nanos(static_cast<std::int32_t>(ns % 1'000'000'000));
}

// The device as the service renders it at `now` (api/convert.cpp, DeviceView): running while
// its session has time left, user and end time only then, time_left in seconds with fractions.
dspb::Device render_at(dspb::Device device, TimePoint now) {
  const bool running = device.has_end_time() && time_of(device.end_time()) > now;
  device.set_running(running);
  if (running) {
    device.set_time_left(std::chrono::duration<double>(time_of(device.end_time()) - now).count());
  } else {
    device.clear_user_id();
    device.clear_end_time();
    device.set_time_left(0);
  }
  set_time(device.mutable_as_of(), now);
  return device;
}

// What the model keeps of a device: its session only while the service called it running,
// with end_time at the database's precision (microseconds), as a later GetDevice would read it.
dspb::Device stored(const dspb::Device& device) {
  dspb::Device kept = device;
  kept.clear_as_of();
  kept.set_time_left(0);
  if (!device.running()) {
    kept.clear_user_id();
    kept.clear_end_time();
  } else if (kept.has_end_time()) {
    auto* end = kept.mutable_end_time();
    end->set_nanos(end->nanos() - end->nanos() % 1000);
  }
  return kept;
}

}  // namespace

DeviceModel::DeviceModel(const fleet::Clock& clock, app::Metrics& metrics, Limits limits)
    : clock_(clock), metrics_(metrics), limits_(limits) {}

void DeviceModel::on_event(const dspb::DeviceFeedEvent& event) {
  std::unique_lock lock(mutex_);
  switch (event.event_case()) {
    case dspb::DeviceFeedEvent::kDevice:
      keep_device(event.device().device());
      break;
    case dspb::DeviceFeedEvent::kSnapshotEnd:
      ++generation_;
      current_ = !too_many_;
      metrics_.device_model_current(current_);
      break;
    case dspb::DeviceFeedEvent::kWallet: {
      // Any fill in flight may have read the balance before this change.
      ++generation_;
      const auto& wallet = event.wallet();
      const auto it = wallets_.find(wallet.user_id());
      if (it != wallets_.end() && wallet.version() > it->second.version) {
        it->second = CachedWallet{wallet.cash(), wallet.version()};
      }
      break;
    }
    case dspb::DeviceFeedEvent::EVENT_NOT_SET:
      break;
  }
}

void DeviceModel::on_lost() {
  std::unique_lock lock(mutex_);
  drop_all();
}

void DeviceModel::drop_all() {
  current_ = false;
  too_many_ = false;
  devices_.clear();
  wallets_.clear();
  ++generation_;
  metrics_.device_model_current(false);
}

bool DeviceModel::current() const {
  std::shared_lock lock(mutex_);
  return current_;
}

DeviceModel::DeviceRead DeviceModel::device(std::int64_t id) const {
  DeviceRead read;
  {
    std::shared_lock lock(mutex_);
    if (current_) {
      const auto it = devices_.find(id);
      if (it == devices_.end()) {
        read.found = Found::kUnknown;
      } else {
        read.found = Found::kFound;
        read.device = it->second;
      }
    }
  }
  metrics_.read_model(app::ReadModel::kDevice, read.found != Found::kNotCurrent);
  if (read.found == Found::kFound) read.device = render_at(std::move(read.device), clock_.now());
  return read;
}

std::optional<dspb::ListDevicesResponse> DeviceModel::devices() const {
  std::optional<dspb::ListDevicesResponse> all;
  {
    std::shared_lock lock(mutex_);
    if (current_) {
      all.emplace();
      for (const auto& [id, device] : devices_) *all->add_devices() = device;
    }
  }
  metrics_.read_model(app::ReadModel::kDevice, all.has_value());
  if (all) {
    const auto now = clock_.now();
    for (auto& device : *all->mutable_devices()) device = render_at(std::move(device), now);
  }
  return all;
}

std::optional<std::string> DeviceModel::cash(std::int64_t user_id) const {
  std::optional<std::string> cash;
  {
    std::shared_lock lock(mutex_);
    if (current_) {
      if (const auto it = wallets_.find(user_id); it != wallets_.end()) cash = it->second.cash;
    }
  }
  metrics_.read_model(app::ReadModel::kWallet, cash.has_value());
  return cash;
}

void DeviceModel::apply(const dspb::Device& device) {
  std::unique_lock lock(mutex_);
  // Not current: the next snapshot (or the feed after it) brings this change anyway.
  if (current_) keep_device(device);
}

void DeviceModel::apply(const dspb::Wallet& wallet) {
  std::unique_lock lock(mutex_);
  if (!current_ || wallet.user_id() <= 0) return;
  keep_wallet(wallet.user_id(), wallet.cash(), wallet.version());
}

std::optional<DeviceModel::Ticket> DeviceModel::wallet_ticket() const {
  std::shared_lock lock(mutex_);
  if (!current_) return std::nullopt;
  return generation_;
}

void DeviceModel::fill(Ticket ticket, const dspb::GetWalletsResponse& reply) {
  std::unique_lock lock(mutex_);
  if (!current_ || ticket != generation_) return;
  for (const auto& wallet : reply.wallets()) {
    keep_wallet(wallet.user_id(), wallet.cash(), wallet.version());
  }
}

std::size_t DeviceModel::cached_wallets() const {
  std::shared_lock lock(mutex_);
  return wallets_.size();
}

void DeviceModel::keep_device(const dspb::Device& device) {
  const auto it = devices_.find(device.id());
  if (it != devices_.end()) {
    if (device.version() > it->second.version()) it->second = stored(device);
    return;
  }
  if (devices_.size() >= limits_.max_devices) {
    too_many_ = true;
    current_ = false;
    metrics_.device_model_current(false);
    return;
  }
  devices_.emplace(device.id(), stored(device));
}

void DeviceModel::keep_wallet(std::int64_t user_id, const std::string& cash, std::int64_t version) {
  const auto it = wallets_.find(user_id);
  if (it != wallets_.end()) {
    // Equal versions are the same balance; a fill never goes back.
    if (version > it->second.version) it->second = CachedWallet{cash, version};
    return;
  }
  // Full: make room by dropping an arbitrary entry (it is read from upstream next time).
  if (wallets_.size() >= limits_.max_wallets && !wallets_.empty()) wallets_.erase(wallets_.begin());
  wallets_.emplace(user_id, CachedWallet{cash, version});
}

}  // namespace fleet::gateway::readmodel
