// The Prometheus text of the gateway's metrics.
#include "app/metrics.h"

#include <catch2/catch.hpp>

using namespace fleet::gateway;

TEST_CASE("metrics in Prometheus text format") {
  app::Metrics m;
  m.count_request("/device/all", 200);
  m.count_request("/device/all", 200);
  m.count_request("/api/v1/users", 403);
  m.count_request("/metrics", 200);
  m.count_request("/x", 42);  // not a status: ignored
  m.socket_opened(app::SocketKind::kTimeleft);
  m.socket_opened(app::SocketKind::kTimeleft);
  m.socket_closed(app::SocketKind::kTimeleft);
  m.socket_opened(app::SocketKind::kChat);
  m.socket_dropped_slow();
  m.stream_opened();
  auto text = m.render();
  CHECK(text.find("fleetgate_upstream_device_streams 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_connections{kind=\"timeleft\"} 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_connections{kind=\"status\"} 0\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_connections{kind=\"chat\"} 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_ws_dropped_slow_total 1\n") != std::string::npos);
  CHECK(text.find("fleetgate_http_requests_total{surface=\"rental\",status=\"200\"} 2\n") !=
        std::string::npos);
  CHECK(text.find("fleetgate_http_requests_total{surface=\"users-v1\",status=\"403\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("fleetgate_http_requests_total{surface=\"ops\",status=\"200\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("# TYPE fleetgate_ws_dropped_slow_total counter") != std::string::npos);
  CHECK(m.requests("rental", 200) == 2);
}
