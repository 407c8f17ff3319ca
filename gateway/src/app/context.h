#pragma once
// What a route handler gets: the request, its path parameters and query, its surface, and the
// services it may call. Handlers are coroutines run on the connection's strand.
#include <atomic>
#include <boost/asio/awaitable.hpp>

#include "http/message.h"
#include "http/url.h"
#include "router/router.h"
#include "router/surface.h"
#include "server/server.h"

namespace fleet::bus {
class Bus;
}
namespace fleet::gateway::upstream {
class Upstream;
}
namespace fleet::gateway::auth {
class KeyStore;
}
namespace fleet::gateway::realtime {
class DeviceHub;
class ChatHub;
class SocketRegistry;
}  // namespace fleet::gateway::realtime
namespace fleet::gateway::readmodel {
class DeviceModel;
class AccountModel;
}  // namespace fleet::gateway::readmodel
namespace fleet::gateway::cache {
class ResponseCache;
}

namespace fleet::gateway::app {

class Metrics;

struct Services {
  upstream::Upstream& upstream;
  auth::KeyStore& keys;
  Metrics& metrics;
  realtime::DeviceHub& devices;  // countdown fan-out
  realtime::ChatHub& chat;       // users-v1 chat
  // Rental devices and wallets in memory (readmodel/devices.h); null: always upstream.
  readmodel::DeviceModel* device_model = nullptr;
  // Accounts in memory (readmodel/accounts.h); null: always user.GetUser.
  readmodel::AccountModel* account_model = nullptr;
  // Open sockets by account, closed at their token's exp or when the account goes
  // (realtime/socket_registry.h); null: sockets live until the client leaves.
  realtime::SocketRegistry* sockets = nullptr;
  // Cacheable rows' responses (cache/response_cache.h); null: always upstream.
  cache::ResponseCache* responses = nullptr;
  // Set once SIGTERM arrives: /readyz answers 503 while requests drain; null: never.
  const std::atomic<bool>* draining = nullptr;
  // The change bus to the other gateways (NATS_URL); null: this is the only gateway.
  const fleet::bus::Bus* bus = nullptr;
};

struct Context {
  const http::Request& request;
  router::PathParams params;
  http::ParamList query;
  Surface surface;
  Services& services;

  const std::string& request_id() const { return request.request_id; }
};

// The operations routes (/healthz, /readyz, /metrics, the docs): plain handlers outside the
// surfaces' endpoint tables.
using Handler = boost::asio::awaitable<http::Response> (*)(Context&);
using Routes = router::Router<Handler>;

}  // namespace fleet::gateway::app
