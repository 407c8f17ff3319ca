#pragma once
// What the gateway's services are made of in tests: canned upstream replies, WatchDevice
// streams and other server streams the test drives, a token signer with the verification key,
// GetUser for the accounts a test declares, and metrics. The dispatcher and server harnesses build
// on it. A call that found no canned answer fails the test when it ends (canned.forget() first if
// it was meant).
#include <catch2/catch.hpp>

#include "app/metrics.h"
#include "auth/key_store.h"
#include "fleet/common/clock.h"
#include "support/accounts.h"
#include "support/canned_upstream.h"
#include "support/fake_streams.h"
#include "support/fake_watch.h"

namespace fleet::gateway::testing {

struct CannedServices {
  CannedServices() { upstream.count_calls(metrics.upstream()); }
  CannedServices(const CannedServices&) = delete;
  CannedServices& operator=(const CannedServices&) = delete;
  ~CannedServices() { CHECK(canned.unanswered() == std::vector<std::string>{}); }

  fleet::SystemClock clock;
  CannedUpstream canned;
  FakeWatcher watcher;
  FakeStreams streams;  // every other server stream (change feeds)
  upstream::Upstream upstream{canned, &watcher, &streams};
  TokenSigner signer{clock};
  CannedAccounts accounts{canned};
  auth::KeyStore keys{"fleetgate", clock};
  app::Metrics metrics;
};

}  // namespace fleet::gateway::testing
