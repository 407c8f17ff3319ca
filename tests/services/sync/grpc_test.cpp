// The gRPC service in process on a real MariaDB: a failed sync attempt is an OK call carrying
// the outcome (never a gRPC error the gateway would turn into a generic 500), an unknown id is
// NOT_FOUND with the document's text, the proto's optional fields say "never".
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "api/sync_service.h"
#include "fakes.h"
#include "fleet/changes/testing/recorder.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/testing/in_process_server.h"
#include "repository/mariadb_sync_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::sync;
using namespace std::chrono_literals;
using fleet::rpc::testing::context;
using fleet::sync::testing::ScriptedOutcomes;
using grpc::StatusCode;

namespace {

struct Harness {
  fleet::db::testing::TestDatabase db;
  fleet::ManualClock clock{std::chrono::sys_days{std::chrono::May / 1 / 2025} + 8h + 250ms};
  ScriptedOutcomes outcomes;
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<MariadbSyncRepository> repository;
  std::unique_ptr<Sync> sync;
  fleet::rpc::WorkerPool workers{4};
  fleet::changes::Publisher changes;
  std::unique_ptr<SyncService> service;
  std::optional<fleet::rpc::testing::InProcessServer<v1::SyncService>> server;

  Harness() {
    fleet::db::migrate(db.config(), kMigrations);
    pool = std::make_unique<fleet::db::Pool>(db.config());
    repository = std::make_unique<MariadbSyncRepository>(*pool);
    sync = std::make_unique<Sync>(*repository, clock, outcomes);
    sync->ensure_demo_devices();
    service = std::make_unique<SyncService>(*sync, workers, changes);
    server.emplace(*service, "sync-test");
  }
  ~Harness() { server.reset(); }

  v1::SyncService::Stub& stub() { return server->stub(); }

  std::pair<grpc::Status, v1::SyncDeviceResponse> attempt(std::int64_t id,
                                                          std::optional<std::int64_t> actor) {
    v1::SyncDeviceRequest request;
    request.set_device_id(id);
    if (actor) request.set_actor_user_id(*actor);
    v1::SyncDeviceResponse response;
    auto status = stub().SyncDevice(context().get(), request, &response);
    return {status, response};
  }
};

}  // namespace

TEST_CASE("grpc: ListDevices answers the devices in id order with unset fields for never",
          "[integration][grpc]") {
  Harness h;
  v1::ListDevicesResponse response;
  REQUIRE(h.stub().ListDevices(context().get(), {}, &response).ok());
  REQUIRE(response.devices_size() == 5);
  const auto& d101 = response.devices(0);
  CHECK(d101.device_id() == 101);
  CHECK(d101.name() == "Raspberry Pi 4B");
  CHECK(d101.type() == "Pi4");
  CHECK(d101.has_last_sync_at());
  CHECK(d101.last_sync_at().seconds() == 1745418625);  // 2025-04-23T14:30:25Z
  CHECK(d101.sync_status_code() == 200);
  CHECK_FALSE(d101.has_error_message());
  const auto& d103 = response.devices(2);
  CHECK(d103.device_id() == 103);
  CHECK_FALSE(d103.has_last_sync_at());
  CHECK_FALSE(d103.has_sync_status_code());
  CHECK_FALSE(d103.has_error_message());
  CHECK_FALSE(d103.has_last_attempt_at());
}

TEST_CASE("grpc: every outcome of the table is an OK call carrying it", "[integration][grpc]") {
  Harness h;
  h.outcomes.queue = {Outcome{}, kFailures[0], kFailures[1], kFailures[2], kFailures[3]};
  const std::vector<std::pair<int, std::string>> want = {{200, ""},
                                                         {400, "Connection Timeout"},
                                                         {400, "Authentication Failure"},
                                                         {404, "Server Not Reachable"},
                                                         {500, "Unknown Sync Error"}};
  std::int64_t last_id = 0;
  for (const auto& [code, text] : want) {
    INFO(code << " " << text);
    h.clock.advance(1s);
    auto [status, r] = h.attempt(104, 42);
    REQUIRE(status.ok());
    CHECK(r.attempt().status_code() == code);
    CHECK(r.attempt().error_message() == text);
    CHECK(r.attempt().has_error_message() == (code != 200));
    CHECK(r.attempt().device_id() == 104);
    CHECK(r.attempt().actor_user_id() == 42);
    CHECK(r.attempt().id() > last_id);
    last_id = r.attempt().id();
    CHECK(fleet::rpc::from_timestamp(r.attempt().attempted_at()) == h.clock.now());
    CHECK(r.device().sync_status_code() == code);
    CHECK(r.device().error_message() == text);
    CHECK(fleet::rpc::from_timestamp(r.device().last_attempt_at()) ==
          fleet::rpc::from_timestamp(r.attempt().attempted_at()));
    CHECK(r.device().has_last_sync_at());  // the first attempt succeeded
  }
  v1::ListAttemptsRequest request;
  request.set_device_id(104);
  v1::ListAttemptsResponse log;
  REQUIRE(h.stub().ListAttempts(context().get(), request, &log).ok());
  REQUIRE(log.attempts_size() == 5);
  CHECK(log.attempts(0).id() == last_id);
  CHECK(log.attempts(0).status_code() == 500);
  CHECK(log.attempts(4).status_code() == 200);
}

TEST_CASE("grpc: an unknown id is NOT_FOUND with the document's text", "[integration][grpc]") {
  Harness h;
  auto [status, r] = h.attempt(123, 1);
  CHECK(status.error_code() == StatusCode::NOT_FOUND);
  CHECK(status.error_message() == "Device with ID 123 not found");
  v1::ListAttemptsRequest request;
  request.set_device_id(123);
  v1::ListAttemptsResponse log;
  CHECK(h.stub().ListAttempts(context().get(), request, &log).error_code() ==
        StatusCode::NOT_FOUND);
  request.set_device_id(101);
  request.set_limit(5000);
  const auto bad = h.stub().ListAttempts(context().get(), request, &log);
  CHECK(bad.error_code() == StatusCode::INVALID_ARGUMENT);
  CHECK(bad.error_message() == "limit must be 1..1000");
}

TEST_CASE("grpc: an attempt without an actor is logged without one", "[integration][grpc]") {
  Harness h;
  h.outcomes.queue = {Outcome{}};
  auto [status, r] = h.attempt(105, std::nullopt);
  REQUIRE(status.ok());
  CHECK_FALSE(r.attempt().has_actor_user_id());
  CHECK(r.device().sync_status_code() == 200);
  CHECK_FALSE(r.device().has_error_message());  // the seeded failure's message is cleared
}

TEST_CASE(
    "grpc: every attempt, failed or not, publishes \"devices\" after its commit, with "
    "its version in the trailer, and an unknown device publishes nothing",
    "[integration][grpc]") {
  Harness h;
  // The device as a reader sees it when the change is published: the commit must be visible.
  std::vector<int> seen;
  auto recorder = std::make_shared<fleet::changes::testing::Recorder>(
      64, [&](const fleet::changes::Change& change) {
        if (change.topic.empty()) return;
        for (const auto& d : h.sync->list_devices()) {
          if (d.id == 102 && d.sync_status_code) seen.push_back(*d.sync_status_code);
        }
      });
  h.changes.subscribe(recorder);
  h.outcomes.queue = {kFailures[0]};
  v1::SyncDeviceRequest request;
  request.set_device_id(102);
  v1::SyncDeviceResponse response;
  auto ctx = context();
  REQUIRE(h.stub().SyncDevice(ctx.get(), request, &response).ok());
  const auto changes = recorder->changes();
  REQUIRE(changes.size() == 2);
  CHECK(changes[1].topic == "devices");
  const auto& trailers = ctx->GetServerTrailingMetadata();
  const auto it = trailers.find("x-change-version");
  REQUIRE(it != trailers.end());
  CHECK(std::string(it->second.data(), it->second.size()) ==
        "devices=" + std::to_string(changes[1].version));
  CHECK(seen == std::vector<int>{400});

  CHECK(h.attempt(999, std::nullopt).first.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(recorder->changes().size() == 2);
}
