#include "domain/outcomes.h"

#include <random>
#include <stdexcept>

namespace fleet::sync {

SeededOutcomes::SeededOutcomes(double success_rate, std::optional<std::uint64_t> seed)
    : success_rate_(success_rate), seed_(0), state_(0) {
  if (!(success_rate >= 0.0 && success_rate <= 1.0)) {
    throw std::invalid_argument("success rate must lie in [0, 1]");
  }
  if (seed) {
    seed_ = *seed;
  } else {
    std::random_device device;
    seed_ = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }
  state_ = seed_;
}

std::uint64_t SeededOutcomes::draw() {
  // splitmix64 (Steele, Lea, Flood 2014): every seed, 0 included, gives a full-period sequence.
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Outcome SeededOutcomes::next() {
  std::lock_guard lock(mutex_);
  // 53 random bits as a double in [0, 1): exact, so u < rate holds for a share `rate` of draws.
  const double u = static_cast<double>(draw() >> 11) * 0x1.0p-53;
  if (u < success_rate_) return Outcome{};
  // 2^64 is a multiple of 4: each failure has exactly a quarter of the values.
  return kFailures[draw() % kFailures.size()];
}

}  // namespace fleet::sync
