#pragma once
// The application behind the server: picks the surface by path prefix, finds the route, runs
// its handler, and renders any failure in the surface's error body.
#include <array>

#include "app/context.h"
#include "server/server.h"

namespace fleet::gateway::app {

class Gateway final : public server::Application {
 public:
  explicit Gateway(Services services);

  boost::asio::awaitable<http::Response> handle(http::Request request) override;
  http::Response error(std::string_view path, int status, std::string_view text) override;

 private:
  Services services_;
  std::array<Routes, 5> surfaces_;  // indexed by Surface
  Routes ops_;                      // /healthz, /readyz
};

}  // namespace fleet::gateway::app
