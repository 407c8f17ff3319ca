#pragma once
// A small HTTP server, on a thread of its own, that answers GET /metrics with a Prometheus text
// page: how every service exposes its own metrics beside its gRPC port. It serves nothing else
// (404), reads only request heads (no bodies), and bounds its connections and their idle time.
#include <functional>
#include <memory>
#include <string>

namespace fleet::metrics {

class HttpServer {
 public:
  // Called on the server's thread for every scrape; must be safe to call from any thread.
  using Render = std::function<std::string()>;

  // Listens on 0.0.0.0:`port` (0 picks a free port). Throws std::runtime_error if it cannot.
  HttpServer(int port, Render render);
  ~HttpServer();  // stops listening, closes its connections and joins the thread
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleet::metrics
