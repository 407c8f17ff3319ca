#pragma once
// The gateway's Beast server on a real socket (port 0) with the dispatcher, the hubs and the
// in-memory fake services, run by one io thread.
#include <boost/asio/io_context.hpp>
#include <thread>

#include "app/gateway.h"
#include "app/metrics.h"
#include "auth/key_store.h"
#include "fake_backend.h"
#include "realtime/chat_hub.h"
#include "realtime/device_hub.h"
#include "server/server.h"

namespace fleet::gateway::testing {

class Running {
 public:
  explicit Running(server::Limits limits = {.header_bytes = 8192, .body_bytes = 1024},
                   realtime::HubOptions hub = {})
      : devices(ioc, upstream, clock, metrics, hub), server(ioc, gateway, limits) {
    keys.install(backend.public_key_pem());
    backend.snapshot_on_watch = true;
    server.start(0);
    thread = std::thread([this] { ioc.run(); });
  }
  ~Running() {
    server.stop_accepting();
    ioc.stop();
    thread.join();
  }
  unsigned short port() const { return server.port(); }

  fleet::SystemClock clock;
  FakeBackend backend{clock};
  upstream::Upstream upstream{backend, &backend};
  auth::KeyStore keys{"fleetgate", clock};
  app::Metrics metrics;
  boost::asio::io_context ioc;
  realtime::DeviceHub devices;
  realtime::ChatHub chat{clock};
  app::Gateway gateway{app::Services{upstream, keys, metrics, devices, chat}};
  server::Server server;
  std::thread thread;
};

}  // namespace fleet::gateway::testing
