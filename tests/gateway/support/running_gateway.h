#pragma once
// The gateway's Beast server on a real socket (port 0) with the dispatcher, the hubs and canned
// upstream replies, run by one io thread. GetUser knows the accounts a test puts in `accounts`.
#include <boost/asio/io_context.hpp>
#include <thread>

#include "app/gateway.h"
#include "realtime/chat_hub.h"
#include "realtime/device_hub.h"
#include "server/server.h"
#include "support/canned_services.h"

namespace fleet::gateway::testing {

class Running : public CannedServices {
 public:
  explicit Running(server::Limits limits = {.header_bytes = 8192, .body_bytes = 1024},
                   realtime::HubOptions hub = {})
      : devices(ioc, upstream, clock, metrics, hub), server(ioc, gateway, limits) {
    keys.install(signer.public_key_pem());
    server.start(0);
    thread = std::thread([this] { ioc.run(); });
  }
  ~Running() {
    server.stop_accepting();
    ioc.stop();
    thread.join();
  }
  unsigned short port() const { return server.port(); }

  boost::asio::io_context ioc;
  realtime::DeviceHub devices;
  realtime::ChatHub chat{clock};
  app::Gateway gateway{app::Services{upstream, keys, metrics, devices, chat}};
  server::Server server;
  std::thread thread;
};

}  // namespace fleet::gateway::testing
