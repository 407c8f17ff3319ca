#pragma once
// Waits for what crosses the bus: true once `predicate` holds, false after 10 s.
#include <chrono>
#include <thread>

namespace fleet::bus::testing {

template <typename Predicate>
bool eventually(Predicate predicate) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!predicate()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace fleet::bus::testing
