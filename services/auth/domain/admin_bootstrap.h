#pragma once
// The admin credential bootstrap run at start: the user service creates the admin account
// (perhaps after this service is up), so keep asking until it exists, give it a credential if
// it has none, then report done (the caller turns health to SERVING).
#include <chrono>
#include <functional>
#include <stop_token>
#include <string>

#include "auth_domain.h"

namespace fleet::auth {

struct BootstrapBackoff {
  std::chrono::milliseconds initial{250};
  std::chrono::milliseconds max{2000};
};

// Blocks until done (then calls on_done and returns true) or until `stop` is requested
// (returns false). Failures are logged and retried with exponential backoff.
bool run_admin_bootstrap(std::stop_token stop, AuthDomain& domain, UserDirectory& users,
                         const std::string& username, const std::string& password,
                         const std::function<void()>& on_done, BootstrapBackoff backoff = {});

}  // namespace fleet::auth
