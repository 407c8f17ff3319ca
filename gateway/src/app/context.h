#pragma once
// What a route handler gets: the request, its path parameters and query, its surface, and the
// services it may call. Handlers are coroutines run on the connection's strand.
#include <boost/asio/awaitable.hpp>

#include "http/message.h"
#include "http/url.h"
#include "router/router.h"
#include "router/surface.h"

namespace fleet::gateway::upstream {
class Backend;
}
namespace fleet::gateway::auth {
class KeyStore;
}

namespace fleet::gateway::app {

struct Services {
  upstream::Backend& backend;
  auth::KeyStore& keys;
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

}  // namespace fleet::gateway::app
