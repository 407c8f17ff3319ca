#include "refresh_token_pruner.h"

#include <condition_variable>
#include <exception>
#include <mutex>

#include "fleet/common/logging.h"

namespace fleet::auth {

std::size_t prune_refresh_tokens(CredentialRepository& tokens, const Clock& clock,
                                 PruneLimits limits) {
  const auto now = clock.now();
  std::size_t total = 0;
  for (std::size_t round = 0; round < limits.max_batches; ++round) {
    const std::size_t deleted = tokens.delete_dead_refresh_tokens(now, limits.batch);
    total += deleted;
    if (deleted < limits.batch) break;
  }
  return total;
}

void run_refresh_token_pruner(std::stop_token stop, CredentialRepository& tokens,
                              const Clock& clock, std::chrono::seconds interval,
                              PruneLimits limits) {
  std::mutex mutex;
  std::condition_variable_any wake;
  while (!stop.stop_requested()) {
    try {
      const std::size_t deleted = prune_refresh_tokens(tokens, clock, limits);
      if (deleted > 0) {
        log::info("refresh_tokens_pruned", {{"deleted", static_cast<std::int64_t>(deleted)}});
      }
    } catch (const std::exception& e) {
      log::warn("refresh_token_prune_failed", {{"cause", e.what()}});
    }
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, interval, [] { return false; });
  }
}

}  // namespace fleet::auth
