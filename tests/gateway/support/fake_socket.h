#pragma once
// A ws::Socket that records what it is sent.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "server/websocket.h"

namespace fleet::gateway::testing {

class FakeSocket final : public ws::Socket {
 public:
  void send(std::shared_ptr<const std::string> text) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(std::move(text));
  }
  void close(ws::CloseCode code = ws::CloseCode::kNormal) override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    close_code_ = code;
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  ws::CloseCode close_code() const {
    std::lock_guard lock(mutex_);
    return close_code_;
  }
  std::vector<std::string> texts() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& t : sent_) out.push_back(*t);
    return out;
  }
  std::vector<std::shared_ptr<const std::string>> shared() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return sent_.size();
  }
  std::string last() const {
    std::lock_guard lock(mutex_);
    return sent_.empty() ? std::string() : *sent_.back();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const std::string>> sent_;
  bool closed_ = false;
  ws::CloseCode close_code_ = ws::CloseCode::kNormal;
};

}  // namespace fleet::gateway::testing
