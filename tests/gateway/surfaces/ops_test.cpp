// Operations (surfaces/ops.cpp): liveness, readiness from the token key and every service's
// health (by its services.tsv name), and the metrics text.
#include <catch2/catch.hpp>
#include <set>

#include "fleet/services.h"
#include "support/gateway_harness.h"
#include "support/run.h"

using namespace fleet::gateway;
using namespace fleet::gateway::testing;

namespace {

// Health checks: SERVING for every service but those in `down`.
void health(Harness& h, std::set<std::string> down = {}) {
  h.canned.on<healthpb::HealthCheckRequest>(
      [down = std::move(down)](const healthpb::HealthCheckRequest&, const Metadata& metadata) {
        std::string service;
        for (const auto& [key, value] : metadata) {
          if (key == "x-service") service = value;
        }
        healthpb::HealthCheckResponse response;
        response.set_status(down.contains(service) ? healthpb::HealthCheckResponse::NOT_SERVING
                                                   : healthpb::HealthCheckResponse::SERVING);
        return response;
      });
}

}  // namespace

TEST_CASE("ops: healthz, and readyz from every service's health") {
  Harness h;
  CHECK(h.call("GET", "/healthz").body == R"({"status":"ok"})");
  CHECK(h.canned.calls().empty());

  health(h);
  CHECK(h.call("GET", "/readyz").body == R"({"status":"ready"})");
  std::set<std::string> asked;
  for (const auto& sent : h.canned.calls()) asked.insert(std::string(sent.metadata_value("x-service")));
  // Every service of services/services.tsv that readiness waits for, and no other.
  std::set<std::string> ready_services;
  for (const auto& service : fleet::services::kServices) {
    if (service.ready) ready_services.emplace(service.name);
  }
  CHECK(ready_services.contains("user"));
  CHECK(ready_services.contains("device-session"));
  CHECK(asked == ready_services);

  for (const std::string& service : ready_services) {
    CAPTURE(service);
    health(h, {service});
    auto not_ready = h.call("GET", "/readyz");
    CHECK(not_ready.status == 503);
    CHECK(not_ready.body == R"({"status":"not ready"})");
  }
  h.canned.fail<healthpb::HealthCheckRequest>(grpc::StatusCode::UNAVAILABLE, "refused");
  CHECK(h.call("GET", "/readyz").status == 503);
}

TEST_CASE("ops: readiness needs the token key, tokens are refused until it is loaded") {
  Harness h(false);
  health(h);
  CHECK(h.call("GET", "/readyz").status == 503);
  auto early = h.as(h.admin, "GET", "/user/all");
  CHECK(early.status == 503);
  CHECK(early.body == R"({"detail":"Service unavailable"})");

  h.canned.reply<authpb::GetPublicKeyRequest>(h.signer.public_key());
  run_to_end(auth::fetch_public_key(h.upstream, h.keys));
  CHECK(h.keys.loaded());
  CHECK(h.call("GET", "/readyz").status == 200);
  h.canned.reply<userpb::ListUsersRequest>(userpb::ListUsersResponse{});
  h.canned.reply<dspb::GetWalletsRequest>(dspb::GetWalletsResponse{});
  CHECK(h.as(h.admin, "GET", "/user/all").status == 200);
}

TEST_CASE("ops: metrics need no token") {
  Harness h;
  h.metrics.count_request("/device/all", 200);
  auto metrics = h.call("GET", "/metrics");
  REQUIRE(metrics.status == 200);
  CHECK(metrics.header("Content-Type").substr(0, 10) == "text/plain");
  CHECK(metrics.body.find("fleetgate_upstream_device_streams 0") != std::string::npos);
  CHECK(metrics.body.find("fleetgate_http_requests_total{surface=\"rental\",status=\"200\"} 1") !=
        std::string::npos);
}
