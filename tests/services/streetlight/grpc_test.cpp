// The gRPC service in process on a real MariaDB: messages, status codes and texts, and
// exactly-once control and reports (a replay writes no second log).
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "api/streetlight_service.h"
#include "fleet/changes/testing/recorder.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/testing/in_process_server.h"
#include "repository/mariadb_streetlight_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::streetlight;
using namespace std::chrono_literals;
using grpc::StatusCode;

namespace {

struct Harness {
  fleet::db::testing::TestDatabase db;
  fleet::ManualClock clock;
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<MariadbStreetlightRepository> repository;
  std::unique_ptr<Streetlights> lights;
  std::unique_ptr<fleet::idempotency::Store> idempotency;
  fleet::rpc::WorkerPool workers{4};
  fleet::changes::Publisher changes;
  std::unique_ptr<StreetlightService> service;
  std::optional<fleet::rpc::testing::InProcessServer<v1::StreetlightService>> server;
  v1::StreetlightService::Stub* stub = nullptr;

  Harness() {
    auto config = db.config();
    config.pool_size = 8;
    fleet::db::migrate(config, kMigrations);
    pool = std::make_unique<fleet::db::Pool>(config);
    repository = std::make_unique<MariadbStreetlightRepository>(*pool);
    lights = std::make_unique<Streetlights>(*repository, clock);
    lights->ensure_demo_lights();
    idempotency = std::make_unique<fleet::idempotency::Store>(*pool, clock);
    service = std::make_unique<StreetlightService>(
        *lights, *idempotency, MariadbStreetlightRepository::transaction_on, workers, changes);
    server.emplace(*service, "streetlight-test");
    stub = &server->stub();
  }
  ~Harness() { server.reset(); }

  struct Idem {
    std::string key;
    std::string fingerprint = "fp";
    std::string caller = "7";
  };
  static std::unique_ptr<grpc::ClientContext> context(const std::optional<Idem>& i = {}) {
    auto context = fleet::rpc::testing::context();
    if (i) {
      context->AddMetadata("x-idempotency-key", i->key);
      context->AddMetadata("x-idempotency-fingerprint", i->fingerprint);
      context->AddMetadata("x-caller-id", i->caller);
    }
    return context;
  }
  static std::string trailer(const grpc::ClientContext& context,
                             std::string_view name = "x-idempotency") {
    const auto& t = context.GetServerTrailingMetadata();
    const auto it = t.find(grpc::string_ref(name.data(), name.size()));
    return it == t.end() ? "" : std::string(it->second.data(), it->second.size());
  }
  struct Control {
    grpc::Status status;
    v1::ControlLightResponse response;
    std::string trailer;
    std::string version;  // x-change-version
  };
  Control control(const std::string& light, const std::string& action,
                  std::optional<Idem> i = {}) {
    auto ctx = context(i);
    v1::ControlLightRequest request;
    request.set_light_id(light);
    request.set_action(action);
    request.set_performed_by("op@example.com");
    Control reply;
    reply.status = stub->ControlLight(ctx.get(), request, &reply.response);
    reply.trailer = trailer(*ctx);
    reply.version = trailer(*ctx, "x-change-version");
    return reply;
  }
  grpc::Status report(const std::string& light, const std::string& status,
                      std::optional<std::string> details, v1::UpdateLightStatusResponse* out,
                      std::optional<Idem> i = {}) {
    auto ctx = context(i);
    v1::UpdateLightStatusRequest request;
    request.set_light_id(light);
    request.set_status(status);
    if (details) request.set_error_details(*details);
    request.set_performed_by("dev@example.com");
    return stub->UpdateLightStatus(ctx.get(), request, out);
  }
  std::int64_t logs() {
    return pool->acquire()->query_one("SELECT COUNT(*) FROM control_logs")->i64(0);
  }
};

}  // namespace

TEST_CASE("ListLights and GetMap by city, every light without one", "[integration]") {
  Harness h;
  v1::ListLightsRequest request;
  request.set_city("Delhi");
  v1::ListLightsResponse lights;
  REQUIRE(h.stub->ListLights(h.context().get(), request, &lights).ok());
  REQUIRE(lights.lights_size() == 5);
  const auto& first = lights.lights(0);
  CHECK(first.light_id() == "SL001");
  CHECK(first.city() == "Delhi");
  CHECK(first.status() == "off");
  CHECK(first.is_automatic());
  CHECK(first.brightness() == 100);
  CHECK(first.latitude() == 28.6139);
  CHECK_FALSE(first.has_error_details());
  CHECK(lights.lights(2).error_details() == "Bulb failed");
  CHECK(fleet::rpc::from_timestamp(first.last_status_change()) == h.clock.now());

  v1::ListLightsResponse all;
  REQUIRE(h.stub->ListLights(h.context().get(), v1::ListLightsRequest{}, &all).ok());
  CHECK(all.lights_size() == 8);

  v1::GetMapRequest map_request;
  map_request.set_city("mumbai");
  v1::GetMapResponse map;
  REQUIRE(h.stub->GetMap(h.context().get(), map_request, &map).ok());
  REQUIRE(map.points_size() == 3);
  CHECK(map.points(0).light_id() == "SL101");
  CHECK(map.points(0).status() == "on");
  CHECK(map.points(0).longitude() == 72.8230);
}

TEST_CASE("GetLight and GetCitySummary: found, NOT_FOUND and INVALID_ARGUMENT texts",
          "[integration]") {
  Harness h;
  v1::GetLightRequest request;
  request.set_light_id("SL404");
  v1::GetLightResponse found;
  auto status = h.stub->GetLight(h.context().get(), request, &found);
  CHECK(status.error_code() == StatusCode::NOT_FOUND);
  CHECK(status.error_message() == "Light not found");

  v1::GetCitySummaryRequest summary_request;
  summary_request.set_city("Atlantis");
  v1::GetCitySummaryResponse summary;
  status = h.stub->GetCitySummary(h.context().get(), summary_request, &summary);
  CHECK(status.error_code() == StatusCode::NOT_FOUND);
  CHECK(status.error_message() == "No data for city");
  summary_request.set_city("");
  status = h.stub->GetCitySummary(h.context().get(), summary_request, &summary);
  CHECK(status.error_code() == StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message() == "City not provided");

  summary_request.set_city("Delhi");
  REQUIRE(h.stub->GetCitySummary(h.context().get(), summary_request, &summary).ok());
  CHECK(summary.summary().total_lights() == 5);
  CHECK(summary.summary().lights_in_error() == 1);
}

TEST_CASE("ControlLight: status, manual, log, and refusals are INVALID_ARGUMENT or NOT_FOUND",
          "[integration]") {
  Harness h;
  h.clock.advance(10s);
  auto reply = h.control("SL001", "on");
  REQUIRE(reply.status.ok());
  CHECK(reply.response.light().status() == "on");
  CHECK_FALSE(reply.response.light().is_automatic());
  CHECK(fleet::rpc::from_timestamp(reply.response.light().last_status_change()) == h.clock.now());

  v1::GetLightRequest request;
  request.set_light_id("SL001");
  v1::GetLightResponse detail;
  REQUIRE(h.stub->GetLight(h.context().get(), request, &detail).ok());
  REQUIRE(detail.recent_logs_size() == 1);
  CHECK(detail.recent_logs(0).performed_by() == "op@example.com");
  CHECK(detail.recent_logs(0).control_type() == "manual");
  CHECK(detail.recent_logs(0).previous_status() == "off");
  CHECK(detail.recent_logs(0).new_status() == "on");

  auto bad = h.control("SL001", "error");
  CHECK(bad.status.error_code() == StatusCode::INVALID_ARGUMENT);
  CHECK(bad.status.error_message() == "Action must be 'on' or 'off'");
  auto missing = h.control("SL404", "on");
  CHECK(missing.status.error_code() == StatusCode::NOT_FOUND);
  CHECK(missing.status.error_message() == "Light not found");
  CHECK(h.logs() == 1);
}

TEST_CASE("UpdateLightStatus: any other status is INVALID_ARGUMENT, never INTERNAL",
          "[integration]") {
  Harness h;
  v1::UpdateLightStatusResponse out;
  for (const char* status : {"blink", "", "ON", "error "}) {
    auto s = h.report("SL002", status, std::nullopt, &out);
    CHECK(s.error_code() == StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message() == "Status must be 'on', 'off' or 'error'");
  }
  auto s = h.report("SL002", "error", std::string(501, 'x'), &out);
  CHECK(s.error_code() == StatusCode::INVALID_ARGUMENT);
  REQUIRE(h.report("SL002", "error", std::string("Bulb failed"), &out).ok());
  CHECK(out.light().status() == "error");
  CHECK(out.light().error_details() == "Bulb failed");
  CHECK(out.light().is_automatic());
  CHECK(h.logs() == 1);
}

TEST_CASE("a replayed control returns the first response and writes no second log",
          "[integration]") {
  Harness h;
  auto first = h.control("SL004", "on", Harness::Idem{"key-1"});
  REQUIRE(first.status.ok());
  CHECK(first.trailer.empty());
  h.clock.advance(5s);
  auto again = h.control("SL004", "on", Harness::Idem{"key-1"});
  REQUIRE(again.status.ok());
  CHECK(again.trailer == "replayed");
  CHECK(again.response.SerializeAsString() == first.response.SerializeAsString());
  CHECK(h.logs() == 1);
  // The same key with another request: mismatch, no effect.
  auto other = h.control("SL004", "off", Harness::Idem{"key-1", "other-fp"});
  CHECK(other.status.error_code() == StatusCode::INVALID_ARGUMENT);
  CHECK(other.trailer == "mismatch");
  CHECK(h.logs() == 1);
  // Another caller's key of the same name is its own.
  auto theirs = h.control("SL004", "off", Harness::Idem{"key-1", "fp", "8"});
  REQUIRE(theirs.status.ok());
  CHECK(theirs.trailer.empty());
  CHECK(h.logs() == 2);
  // A refused control stores its error with the key (issue 11 item 6): a repeat replays it,
  // another request with the key is a mismatch, and a new key runs.
  auto refused = h.control("SL404", "on", Harness::Idem{"key-2"});
  CHECK(refused.status.error_code() == StatusCode::NOT_FOUND);
  auto repeated = h.control("SL404", "on", Harness::Idem{"key-2"});
  CHECK(repeated.status.error_code() == StatusCode::NOT_FOUND);
  CHECK(repeated.status.error_message() == refused.status.error_message());
  CHECK(repeated.trailer == "replayed");
  CHECK(h.control("SL005", "off", Harness::Idem{"key-2", "fp2"}).trailer == "mismatch");
  auto retried = h.control("SL005", "off", Harness::Idem{"key-2b", "fp2"});
  CHECK(retried.status.ok());
  CHECK(h.logs() == 3);

  v1::UpdateLightStatusResponse a, b;
  REQUIRE(h.report("SL001", "error", std::string("x"), &a, Harness::Idem{"key-3"}).ok());
  REQUIRE(h.report("SL001", "error", std::string("x"), &b, Harness::Idem{"key-3"}).ok());
  CHECK(a.SerializeAsString() == b.SerializeAsString());
  CHECK(h.logs() == 4);
}

TEST_CASE(
    "a control publishes \"lights\" after its commit, with its version in the trailer, and no "
    "refusal or replay publishes",
    "[integration]") {
  Harness h;
  // What a reader sees at the moment the change is published: the commit must be visible.
  std::vector<std::string> seen;
  auto recorder = std::make_shared<fleet::changes::testing::Recorder>(
      64, [&](const fleet::changes::Change& change) {
        if (change.topic.empty()) return;
        seen.emplace_back(to_string(h.lights->get_light("SL001").light.status));
      });
  h.changes.subscribe(recorder);
  const auto before = h.changes.version();

  auto reply = h.control("SL001", "on", Harness::Idem{"k1"});
  REQUIRE(reply.status.ok());
  auto changes = recorder->changes();
  REQUIRE(changes.size() == 2);
  CHECK(changes[1].topic == "lights");
  CHECK(changes[1].version > before);
  CHECK(reply.version == "lights=" + std::to_string(changes[1].version));
  CHECK(seen == std::vector<std::string>{"on"});

  CHECK(h.control("SL001", "on", Harness::Idem{"k1"}).trailer == "replayed");
  CHECK(h.control("SL404", "on").status.error_code() == StatusCode::NOT_FOUND);
  CHECK(recorder->changes().size() == 2);

  v1::UpdateLightStatusResponse out;
  REQUIRE(h.report("SL001", "error", std::string("Bulb"), &out).ok());
  changes = recorder->changes();
  REQUIRE(changes.size() == 3);
  CHECK(changes[2].version > changes[1].version);
  CHECK(seen.back() == "error");
}
