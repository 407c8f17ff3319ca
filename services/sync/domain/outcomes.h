#pragma once
// Where sync outcomes come from. The service draws them from a seeded engine (SeededOutcomes);
// tests substitute a scripted source.
#include <cstdint>
#include <mutex>
#include <optional>

#include "domain/model.h"

namespace fleet::sync {

class OutcomeSource {
 public:
  virtual ~OutcomeSource() = default;
  // The next attempt's outcome. Called once per attempt, from any thread.
  virtual Outcome next() = 0;
};

// Success with probability success_rate, else one of kFailures, uniformly. The engine is
// splitmix64 and the draws use no std:: distribution, so one seed gives the same sequence on
// every platform and standard library. Thread-safe: concurrent attempts take the sequence's
// draws in turn.
class SeededOutcomes final : public OutcomeSource {
 public:
  // success_rate in [0, 1]; without a seed, one from std::random_device.
  SeededOutcomes(double success_rate, std::optional<std::uint64_t> seed);

  Outcome next() override;
  std::uint64_t seed() const { return seed_; }

 private:
  std::uint64_t draw();  // under mutex_

  double success_rate_;
  std::uint64_t seed_;
  std::mutex mutex_;
  std::uint64_t state_;
};

}  // namespace fleet::sync
