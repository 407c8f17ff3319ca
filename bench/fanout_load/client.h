#pragma once
// The load tool's sockets: N WebSocket clients spread over a few io threads (one io_context per
// thread, so a socket's handlers never need a lock). Beast stays behind this header.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fanout_load/analysis.h"

namespace fleet::bench {

struct ClientConfig {
  std::string host = "127.0.0.1";
  std::string port = "8000";  // several comma-separated: socket i goes to the (i mod n)-th
  std::string target = "/device/ws/timeleft/1";  // path and query
  std::string token;                             // empty: no credentials
  bool token_in_header = false;                  // Authorization: Bearer instead of ?token=
  int device = 1;
  int threads = 1;
  int source_addresses = 1;  // >1: bind socket i to 127.0.0.(1 + i % n) (loopback targets only)
  std::chrono::milliseconds connect_timeout{15000};
};

class LoadClient {
 public:
  // Resolves the host (throws std::runtime_error when it cannot) and starts the io threads.
  LoadClient(ClientConfig config, std::size_t sockets, std::chrono::steady_clock::time_point epoch);
  ~LoadClient();
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  std::string url() const;
  bool target_is_loopback_v4() const;

  // Starts socket `index` (0 <= index < sockets); callable from any one thread.
  void launch(std::size_t index);

  std::size_t connected() const;  // handshakes completed
  std::size_t failed() const;     // connect or handshake failed
  std::size_t lost() const;       // connected, then closed by the peer or an error

  // Closes every open socket with a WebSocket close, waits up to `wait` for the closes, then
  // stops the io threads. After this, the accessors below may be read.
  void shutdown(std::chrono::milliseconds wait);

  std::vector<Arrival> arrivals() const;  // merged from every thread, unordered
  const std::vector<SocketTimeline>& timelines() const;
  std::map<std::string, std::size_t> errors() const;
  std::size_t wrong_device() const;
  std::size_t bad_shape() const;

  struct Impl;  // opaque; public only so the .cpp's socket class can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleet::bench
