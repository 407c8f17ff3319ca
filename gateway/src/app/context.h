#pragma once
// What a route handler gets: the request, its path parameters and query, its surface, and the
// services it may call. Handlers are coroutines run on the connection's strand.
#include <boost/asio/awaitable.hpp>

#include "http/message.h"
#include "http/url.h"
#include "router/router.h"
#include "router/surface.h"
#include "server/server.h"

namespace fleet::gateway::upstream {
class Backend;
}
namespace fleet::gateway::auth {
class KeyStore;
}
namespace fleet::gateway::realtime {
class DeviceHub;
class ChatHub;
}  // namespace fleet::gateway::realtime

namespace fleet::gateway::app {

class Metrics;

struct Services {
  upstream::Backend& backend;
  auth::KeyStore& keys;
  Metrics& metrics;
  realtime::DeviceHub& devices;  // countdown fan-out
  realtime::ChatHub& chat;       // users-v1 chat
};

struct Context {
  const http::Request& request;
  router::PathParams params;
  http::ParamList query;
  Surface surface;
  Services& services;

  const std::string& request_id() const { return request.request_id; }
};

using Handler = boost::asio::awaitable<http::Response> (*)(Context&);
using Routes = router::Router<Handler>;

// A WebSocket route: refuses the upgrade by throwing as a Handler does, or returns the socket's
// handler.
using SocketHandler = boost::asio::awaitable<server::Upgrade> (*)(Context&);
using SocketRoutes = router::Router<SocketHandler>;

}  // namespace fleet::gateway::app
