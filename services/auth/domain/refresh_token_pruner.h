#pragma once
// Deletes refresh-token rows that can no longer matter, so the table holds live logins only:
// - expired ones: refused whatever their state, and a rotated family's retired tokens too;
// - revoked ones: refused at once (a revoked token never revokes its family again: logout,
//   password changes and detected reuse revoke the whole family or a token without one).
// A retired but unrevoked token (REFRESH_TOKEN_ROTATION) is kept until it expires: presenting
// it again is how reuse is detected, and that must revoke its family for as long as it lives.
// Bounded: batches of `batch` rows, at most `max_batches` per run, each one short statement.
#include <chrono>
#include <cstddef>
#include <stop_token>

#include "credential_repository.h"
#include "fleet/common/clock.h"

namespace fleet::auth {

struct PruneLimits {
  std::size_t batch = 1000;
  std::size_t max_batches = 100;  // the rest waits for the next run
};

// One run; returns how many rows it deleted. Throws what the repository throws.
std::size_t prune_refresh_tokens(CredentialRepository& tokens, const Clock& clock,
                                 PruneLimits limits = {});

// Runs prune_refresh_tokens at once and then every `interval` until `stop`, on the caller's
// thread (main gives it one of its own, so RPCs never wait for it). Failures are logged and
// retried at the next run.
void run_refresh_token_pruner(std::stop_token stop, CredentialRepository& tokens,
                              const Clock& clock, std::chrono::seconds interval,
                              PruneLimits limits = {});

}  // namespace fleet::auth
