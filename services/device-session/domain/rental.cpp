#include "domain/rental.h"

#include <algorithm>
#include <map>

#include "fleet/common/error.h"

namespace fleet::device_session {
namespace {

constexpr std::size_t kMaxWalletsPerCall = 10000;

DomainError not_found() { return DomainError(ErrorCode::kNotFound, "Device not found"); }

void check_user(std::int64_t user_id) {
  if (user_id <= 0) throw DomainError(ErrorCode::kInvalidArgument, "Invalid user id");
}

// The device without its session.
DeviceRecord freed(DeviceRecord device) {
  device.user_id.reset();
  device.end_time.reset();
  device.session_id.reset();
  device.charged.reset();
  return device;
}

// Closes the device's session as expired (it ended at its end_time) and frees the device.
DeviceEvent expire(Transaction& tx, const DeviceRecord& device, TimePoint now) {
  tx.close_session(*device.session_id, device.end_time.value_or(now), EndReason::kExpired,
                   std::nullopt);
  tx.mark_idle(device.id);
  DeviceRecord after = freed(device);
  ++after.version;  // as mark_idle did
  return DeviceEvent{DeviceEvent::Kind::kExpired, DeviceView{std::move(after), now},
                     2 * *device.session_id + 1};
}

// Whole seconds left, rounded up, never negative.
std::int64_t remaining_seconds(TimePoint end_time, TimePoint now) {
  if (end_time <= now) return 0;
  return std::chrono::ceil<std::chrono::seconds>(end_time - now).count();
}

}  // namespace

std::vector<NewDevice> demo_devices() {
  return {{1, "Washer 1", "washer", Money::cents(120)},
          {2, "Washer 2", "washer", Money::cents(120)},
          {3, "Washer 3", "washer", Money::cents(120)},
          {4, "Dryer 1", "dryer", Money::cents(150)},
          {5, "Dryer 2", "dryer", Money::cents(150)}};
}

Rental::Rental(Repository& repository, const Clock& clock, DeviceHub& hub)
    : repository_(repository), clock_(clock), hub_(hub) {}

std::vector<DeviceView> Rental::list_devices() {
  const auto now = clock_.now();
  std::vector<DeviceView> views;
  for (auto& device : repository_.list_devices()) views.push_back(DeviceView{device, now});
  return views;
}

DeviceView Rental::get_device(std::int64_t id) {
  const auto now = clock_.now();
  auto device = repository_.get_device(id);
  if (!device) throw not_found();
  return DeviceView{std::move(*device), now};
}

StartOutcome Rental::start(Transaction& tx, const StartCommand& command) {
  if (command.duration_minutes < 1 || command.duration_minutes > kMaxDurationMinutes) {
    throw DomainError(ErrorCode::kInvalidArgument, "Duration must be between 1 and 1440 minutes");
  }
  check_user(command.user_id);
  auto device = tx.lock_device(command.device_id);
  if (!device) throw not_found();
  // After the lock: a start that waited for another one on this device begins after it.
  const auto now = clock_.now();

  StartOutcome outcome;
  if (device->has_session()) {
    if (device->running_at(now)) {
      throw DomainError(ErrorCode::kFailedPrecondition, "Device is already running");
    }
    // Its time is up but the sweeper has not been by yet.
    outcome.events.push_back(expire(tx, *device, now));
    device = outcome.events.back().device.record;
  }

  const Money cost = Money::prorate(device->hourly_cost, command.duration_minutes, 60);
  const Money cash = tx.lock_wallet(command.user_id, now);
  if (cash < cost) throw DomainError(ErrorCode::kFailedPrecondition, "Insufficient funds");
  const Money balance = cash - cost;
  const TimePoint end_time = now + std::chrono::minutes(command.duration_minutes);

  tx.set_cash(command.user_id, balance, now);
  const auto session_id =
      tx.open_session({device->id, command.user_id, now, end_time, /*charged=*/cost});
  const auto entry = tx.add_ledger({.user_id = command.user_id,
                                    .kind = LedgerKind::kCharge,
                                    .amount = -cost,
                                    .balance_after = balance,
                                    .device_id = device->id,
                                    .session_id = session_id,
                                    .actor_user_id = std::nullopt,
                                    .created_at = now});
  tx.mark_running(device->id, command.user_id, end_time, session_id);

  device->user_id = command.user_id;
  device->end_time = end_time;
  device->session_id = session_id;
  device->charged = cost;
  ++device->version;  // as mark_running did
  outcome.device = DeviceView{*device, now};
  outcome.charged = cost;
  outcome.wallet = Wallet{command.user_id, balance, entry};
  outcome.events.push_back(
      DeviceEvent{DeviceEvent::Kind::kStarted, outcome.device, 2 * session_id});
  return outcome;
}

StopOutcome Rental::stop(Transaction& tx, const StopCommand& command) {
  auto device = tx.lock_device(command.device_id);
  if (!device) throw not_found();
  const auto now = clock_.now();  // after the lock, as in start()
  if (!device->running_at(now)) {
    throw DomainError(ErrorCode::kFailedPrecondition, "Device is not running");
  }
  if (!command.actor_is_admin && device->user_id != command.actor_user_id) {
    throw DomainError(ErrorCode::kPermissionDenied, "Not enough permissions");
  }

  const std::int64_t user_id = *device->user_id;
  const std::int64_t session_id = *device->session_id;
  Money refund =
      Money::prorate(device->hourly_cost, remaining_seconds(*device->end_time, now), 3600);
  // Rounding up the seconds never gives back more than was paid.
  if (device->charged && refund > *device->charged) refund = *device->charged;
  const Money balance = tx.lock_wallet(user_id, now) + refund;

  tx.set_cash(user_id, balance, now);
  const auto entry = tx.add_ledger({.user_id = user_id,
                                    .kind = LedgerKind::kRefund,
                                    .amount = refund,
                                    .balance_after = balance,
                                    .device_id = device->id,
                                    .session_id = session_id,
                                    .actor_user_id = command.actor_user_id,
                                    .created_at = now});
  tx.close_session(session_id, now, EndReason::kStopped, refund);
  tx.mark_idle(device->id);

  StopOutcome outcome;
  DeviceRecord after = freed(std::move(*device));
  ++after.version;  // as mark_idle did
  outcome.device = DeviceView{std::move(after), now};
  outcome.refund = refund;
  outcome.wallet = Wallet{user_id, balance, entry};
  outcome.events.push_back(
      DeviceEvent{DeviceEvent::Kind::kStopped, outcome.device, 2 * session_id + 1});
  return outcome;
}

StartOutcome Rental::start(const StartCommand& command) {
  StartOutcome outcome;
  repository_.transact([&](Transaction& tx) { outcome = start(tx, command); });
  publish(outcome.events, {outcome.wallet});
  return outcome;
}

StopOutcome Rental::stop(const StopCommand& command) {
  StopOutcome outcome;
  repository_.transact([&](Transaction& tx) { outcome = stop(tx, command); });
  publish(outcome.events, {outcome.wallet});
  return outcome;
}

std::vector<Wallet> Rental::wallets(const std::vector<std::int64_t>& user_ids) {
  if (user_ids.size() > kMaxWalletsPerCall) {
    throw DomainError(ErrorCode::kInvalidArgument, "Too many user ids");
  }
  std::map<std::int64_t, Wallet> found;
  if (!user_ids.empty()) {
    for (const auto& wallet : repository_.wallets(user_ids)) found[wallet.user_id] = wallet;
  }
  std::vector<Wallet> result;
  for (const auto id : user_ids) {
    const auto it = found.find(id);
    result.push_back(it == found.end() ? Wallet{id, Money(), 0} : it->second);
  }
  return result;
}

Wallet Rental::set_cash(std::int64_t user_id, std::string_view cash, std::int64_t actor_user_id) {
  check_user(user_id);
  const auto amount = Money::parse(cash);
  if (!amount) {
    throw DomainError(ErrorCode::kInvalidArgument,
                      "Cash must be a non-negative amount with at most two decimals");
  }
  const auto now = clock_.now();
  Wallet after;
  bool changed = false;
  repository_.transact([&](Transaction& tx) {
    const Money before = tx.lock_wallet(user_id, now);
    after = Wallet{user_id, before, 0};
    changed = before != *amount;
    if (!changed) {
      after.version = tx.wallet_version(user_id);
      return;
    }
    tx.set_cash(user_id, *amount, now);
    after.cash = *amount;
    after.version = tx.add_ledger(
        {.user_id = user_id,
         .kind = LedgerKind::kAdjustment,
         .amount = *amount - before,
         .balance_after = *amount,
         .device_id = std::nullopt,
         .session_id = std::nullopt,
         .actor_user_id = actor_user_id > 0 ? std::optional(actor_user_id) : std::nullopt,
         .created_at = now});
  });
  if (changed) publish({}, {after});
  return after;
}

std::vector<LedgerEntry> Rental::ledger(std::int64_t user_id) {
  check_user(user_id);
  return repository_.ledger(user_id);
}

std::size_t Rental::expire_due() {
  const auto now = clock_.now();
  std::vector<DeviceEvent> events;
  repository_.transact([&](Transaction& tx) {
    events.clear();  // a retried transaction starts over
    for (const auto& device : tx.lock_expired_devices(now)) {
      if (!device.running_at(now)) events.push_back(expire(tx, device, now));
    }
  });
  publish(events);
  return events.size();
}

std::optional<TimePoint> Rental::next_end_time() { return repository_.next_end_time(); }

void Rental::publish(const std::vector<DeviceEvent>& events, const std::vector<Wallet>& wallets) {
  bool started = false;
  for (const auto& event : events) {
    hub_.publish(event);
    started = started || event.kind == DeviceEvent::Kind::kStarted;
  }
  for (const auto& wallet : wallets) hub_.publish(wallet);
  if (!started) return;
  std::lock_guard lock(listener_mutex_);
  if (on_started_) on_started_();
}

void Rental::on_started(std::function<void()> listener) {
  std::lock_guard lock(listener_mutex_);
  on_started_ = std::move(listener);
}

void Rental::ensure_demo_devices() { repository_.ensure_devices(demo_devices()); }

}  // namespace fleet::device_session
