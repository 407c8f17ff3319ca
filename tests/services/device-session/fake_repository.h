#pragma once
// An in-memory Repository: transactions run one at a time on a copy of the state that replaces
// it only when the work returns, so a throw rolls everything back as the database would.
#include <map>
#include <mutex>

#include "domain/repository.h"

namespace fleet::device_session::testing {

struct SessionRow {
  NewSession session;
  std::optional<TimePoint> ended_at;
  std::optional<EndReason> reason;
  std::optional<Money> refunded;
};

struct State {
  std::map<std::int64_t, DeviceRecord> devices;  // `charged` is filled in on reading
  std::map<std::int64_t, SessionRow> sessions;
  std::map<std::int64_t, Money> wallets;
  std::vector<LedgerEntry> ledger;
  std::int64_t next_session = 1;
};

class FakeTransaction final : public Transaction {
 public:
  explicit FakeTransaction(State& s, const std::function<void()>* on_lock = nullptr)
      : s_(s), on_lock_(on_lock) {}

  std::optional<DeviceRecord> lock_device(std::int64_t id) override {
    if (on_lock_ && *on_lock_) (*on_lock_)();  // e.g. time passes while waiting for the lock
    const auto it = s_.devices.find(id);
    if (it == s_.devices.end()) return std::nullopt;
    return with_charge(it->second);
  }
  std::vector<DeviceRecord> lock_expired_devices(TimePoint now) override {
    std::vector<DeviceRecord> out;
    for (const auto& [id, d] : s_.devices) {
      if (d.session_id && d.end_time && *d.end_time <= now) out.push_back(with_charge(d));
    }
    return out;
  }
  Money lock_wallet(std::int64_t user_id, TimePoint) override { return s_.wallets[user_id]; }
  std::int64_t wallet_version(std::int64_t user_id) override { return version_of(user_id); }
  void set_cash(std::int64_t user_id, Money cash, TimePoint) override {
    if (cash < Money()) throw std::logic_error("negative cash");  // the CHECK constraint
    s_.wallets[user_id] = cash;
  }
  std::int64_t add_ledger(const LedgerEntry& entry) override {
    s_.ledger.push_back(entry);
    s_.ledger.back().id = static_cast<std::int64_t>(s_.ledger.size());
    return s_.ledger.back().id;
  }
  std::int64_t open_session(const NewSession& session) override {
    const auto id = s_.next_session++;
    s_.sessions[id] = SessionRow{session, {}, {}, {}};
    return id;
  }
  void close_session(std::int64_t id, TimePoint ended_at, EndReason reason,
                     std::optional<Money> refunded) override {
    auto& row = s_.sessions.at(id);
    row.ended_at = ended_at;
    row.reason = reason;
    row.refunded = refunded;
  }
  void mark_running(std::int64_t device_id, std::int64_t user_id, TimePoint end_time,
                    std::int64_t session_id) override {
    auto& d = s_.devices.at(device_id);
    d.user_id = user_id;
    d.end_time = end_time;
    d.session_id = session_id;
    ++d.version;
  }
  void mark_idle(std::int64_t device_id) override {
    auto& d = s_.devices.at(device_id);
    d.user_id.reset();
    d.end_time.reset();
    d.session_id.reset();
    ++d.version;
  }

  // The id of the user's latest ledger entry, as the repository computes it.
  std::int64_t version_of(std::int64_t user_id) const {
    std::int64_t version = 0;
    for (const auto& e : s_.ledger) {
      if (e.user_id == user_id) version = e.id;
    }
    return version;
  }

  DeviceRecord with_charge(DeviceRecord d) const {
    d.charged.reset();
    if (d.session_id) d.charged = s_.sessions.at(*d.session_id).session.charged;
    return d;
  }

 private:
  State& s_;
  const std::function<void()>* on_lock_;
};

class FakeRepository final : public Repository {
 public:
  // Runs whenever a transaction locks a device row.
  std::function<void()> on_lock_device;

  void transact(const std::function<void(Transaction&)>& work) override {
    std::lock_guard lock(mutex_);
    State copy = state_;
    FakeTransaction tx(copy, &on_lock_device);
    work(tx);
    state_ = std::move(copy);
    ++commits;
  }
  std::vector<DeviceRecord> list_devices() override {
    std::lock_guard lock(mutex_);
    std::vector<DeviceRecord> out;
    for (const auto& [id, d] : state_.devices) out.push_back(reader().with_charge(d));
    return out;
  }
  std::optional<DeviceRecord> get_device(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    const auto it = state_.devices.find(id);
    if (it == state_.devices.end()) return std::nullopt;
    return reader().with_charge(it->second);
  }
  std::optional<TimePoint> next_end_time() override {
    std::lock_guard lock(mutex_);
    std::optional<TimePoint> next;
    for (const auto& [id, d] : state_.devices) {
      if (d.session_id && d.end_time && (!next || *d.end_time < *next)) next = d.end_time;
    }
    return next;
  }
  std::vector<Wallet> wallets(const std::vector<std::int64_t>& ids) override {
    std::lock_guard lock(mutex_);
    std::vector<Wallet> out;
    for (const auto id : ids) {
      if (const auto it = state_.wallets.find(id); it != state_.wallets.end()) {
        out.push_back({id, it->second, reader().version_of(id)});
      }
    }
    return out;
  }
  std::vector<LedgerEntry> ledger(std::int64_t user_id) override {
    std::lock_guard lock(mutex_);
    std::vector<LedgerEntry> out;
    for (const auto& e : state_.ledger) {
      if (e.user_id == user_id) out.push_back(e);
    }
    return out;
  }
  void ensure_devices(const std::vector<NewDevice>& devices) override {
    std::lock_guard lock(mutex_);
    for (const auto& d : devices) {
      DeviceRecord record;
      record.id = d.id;
      record.name = d.name;
      record.type = d.type;
      record.hourly_cost = d.hourly_cost;
      state_.devices.try_emplace(d.id, std::move(record));
    }
  }

  // For assertions.
  State state() {
    std::lock_guard lock(mutex_);
    return state_;
  }
  void set_wallet(std::int64_t user_id, Money cash) {
    std::lock_guard lock(mutex_);
    state_.wallets[user_id] = cash;
  }
  int commits = 0;

 private:
  FakeTransaction reader() { return FakeTransaction(state_); }
  std::mutex mutex_;
  State state_;
};

}  // namespace fleet::device_session::testing
