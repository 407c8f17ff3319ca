#include "admin_bootstrap.h"

#include <condition_variable>
#include <mutex>

#include "fleet/common/logging.h"

namespace fleet::auth {

bool run_admin_bootstrap(std::stop_token stop, AuthDomain& domain, UserDirectory& users,
                         const std::string& username, const std::string& password,
                         const std::function<void()>& on_done, BootstrapBackoff backoff) {
  std::mutex mutex;
  std::condition_variable_any wake;
  auto delay = backoff.initial;
  for (int attempt = 1; !stop.stop_requested(); ++attempt) {
    try {
      if (domain.ensure_admin_credential(users, username, password)) {
        log::info("admin_bootstrap_done", {{"attempts", attempt}});
        on_done();
        return true;
      }
      log::info("admin_bootstrap_waiting", {{"attempt", attempt}, {"reason", "account_not_found"}});
    } catch (const std::exception& e) {
      log::warn("admin_bootstrap_retry", {{"attempt", attempt}, {"cause", e.what()}});
    }
    std::unique_lock lock(mutex);
    // Wakes early only when stop is requested.
    wake.wait_for(lock, stop, delay, [] { return false; });
    delay = std::min(delay * 2, backoff.max);
  }
  return false;
}

}  // namespace fleet::auth
