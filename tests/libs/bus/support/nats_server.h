#pragma once
// A throwaway nats-server (Debian's) on a free loopback port, for tests of what crosses the bus.
// Stop and start it again to test a lost connection; the port stays the same.
#include <sys/types.h>

#include <string>

namespace fleet::bus::testing {

class NatsServer {
 public:
  NatsServer();  // started
  ~NatsServer();
  NatsServer(const NatsServer&) = delete;
  NatsServer& operator=(const NatsServer&) = delete;

  void start();  // waits until it accepts connections
  void stop();   // SIGKILL: a crash, as the clients see it
  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace fleet::bus::testing
