#pragma once
// In-memory stand-ins for the sync domain's collaborators: a repository whose transactions
// really roll back (the work runs on a copy that is kept only when it returns), and a scripted
// outcome source.
#include <deque>
#include <map>
#include <stdexcept>

#include "domain/outcomes.h"
#include "domain/repository.h"

namespace fleet::sync::testing {

class FakeRepository final : public Repository {
 public:
  struct State {
    std::map<std::int64_t, Device> devices;
    std::vector<Attempt> attempts;  // oldest first
    std::int64_t next_attempt_id = 1;
  };

  void transact(const std::function<void(Transaction&)>& work) override {
    ++transactions;
    State copy = state;
    Tx tx(copy);
    work(tx);
    state = std::move(copy);
  }
  std::vector<Device> list_devices() override {
    std::vector<Device> out;
    for (const auto& [id, d] : state.devices) out.push_back(d);
    return out;
  }
  std::optional<Device> get_device(std::int64_t id) override {
    auto it = state.devices.find(id);
    if (it == state.devices.end()) return std::nullopt;
    return it->second;
  }
  std::vector<Attempt> attempts(std::int64_t device_id, int limit) override {
    std::vector<Attempt> out;
    for (auto it = state.attempts.rbegin(); it != state.attempts.rend(); ++it) {
      if (it->device_id == device_id && static_cast<int>(out.size()) < limit) out.push_back(*it);
    }
    return out;
  }

  void add(const Device& d) { state.devices[d.id] = d; }

  State state;
  int transactions = 0;

 private:
  class Tx final : public Transaction {
   public:
    explicit Tx(State& s) : s_(s) {}
    std::optional<Device> lock_device(std::int64_t id) override {
      auto it = s_.devices.find(id);
      if (it == s_.devices.end()) return std::nullopt;
      return it->second;
    }
    void save_sync_fields(const Device& d) override {
      auto& stored = s_.devices.at(d.id);
      stored.last_sync_at = d.last_sync_at;
      stored.sync_status_code = d.sync_status_code;
      stored.error_message = d.error_message;
      stored.last_attempt_at = d.last_attempt_at;
    }
    std::int64_t add_attempt(const Attempt& a) override {
      Attempt stored = a;
      stored.id = s_.next_attempt_id++;
      s_.attempts.push_back(stored);
      return stored.id;
    }
    void insert_device(const NewDevice& d) override {
      if (!s_.devices.emplace(d.id, Device::fresh(d.id, d.name, d.type)).second) {
        throw std::logic_error("duplicate device id");
      }
    }

   private:
    State& s_;
  };
};

// Returns the outcomes it was given, in order; fails the test when it runs out.
class ScriptedOutcomes final : public OutcomeSource {
 public:
  ScriptedOutcomes() = default;
  ScriptedOutcomes(std::initializer_list<Outcome> outcomes) : queue(outcomes) {}
  Outcome next() override {
    ++draws;
    if (queue.empty()) throw std::logic_error("no scripted outcome left");
    Outcome o = queue.front();
    queue.pop_front();
    return o;
  }
  std::deque<Outcome> queue;
  int draws = 0;
};

}  // namespace fleet::sync::testing
