// The gRPC service in process on a real MariaDB: status codes and texts, idempotent start and
// stop, and WatchDevice streams (snapshot, events, NOT_FOUND, cancel, overflow, shutdown).
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <future>

#include "api/device_session_service.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/testing/in_process_server.h"
#include "repository/mariadb_device_session_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::device_session;
using namespace std::chrono_literals;
using grpc::StatusCode;

namespace {

constexpr std::int64_t kWasher = 1;
constexpr std::int64_t kDryer = 4;
constexpr std::int64_t kAnn = 7;
constexpr std::int64_t kBob = 8;

struct Harness {
  fleet::db::testing::TestDatabase db;
  fleet::ManualClock clock;
  std::unique_ptr<fleet::db::Pool> pool;
  std::unique_ptr<MariadbDeviceSessionRepository> repository;
  DeviceHub hub;
  std::unique_ptr<Rental> rental;
  std::unique_ptr<fleet::idempotency::Store> idempotency;
  fleet::rpc::WorkerPool workers{8};
  std::unique_ptr<DeviceSessionService> service;
  std::optional<fleet::rpc::testing::InProcessServer<v1::DeviceSessionService>> server;
  v1::DeviceSessionService::Stub* stub = nullptr;

  Harness() {
    auto config = db.config();
    config.pool_size = 24;
    fleet::db::migrate(config, kMigrations);
    pool = std::make_unique<fleet::db::Pool>(config);
    repository = std::make_unique<MariadbDeviceSessionRepository>(*pool);
    rental = std::make_unique<Rental>(*repository, clock, hub);
    rental->ensure_demo_devices();
    idempotency = std::make_unique<fleet::idempotency::Store>(*pool, clock);
    service = std::make_unique<DeviceSessionService>(
        *rental, hub, *idempotency, MariadbDeviceSessionRepository::transaction_on, workers);
    server.emplace(*service, "device-session-test");
    stub = &server->stub();
  }
  ~Harness() {
    hub.end_all(Watcher::End::kShutdown);
    server.reset();
  }

  static void deadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + 10s);
  }
  struct Idem {
    std::string key;
    std::string fingerprint = "fp";
    std::string caller = "7";
  };
  static void idem(grpc::ClientContext& context, const std::optional<Idem>& i) {
    if (!i) return;
    context.AddMetadata("x-idempotency-key", i->key);
    context.AddMetadata("x-idempotency-fingerprint", i->fingerprint);
    context.AddMetadata("x-caller-id", i->caller);
  }
  static std::string trailer(const grpc::ClientContext& context) {
    const auto& t = context.GetServerTrailingMetadata();
    const auto it = t.find("x-idempotency");
    return it == t.end() ? "" : std::string(it->second.data(), it->second.size());
  }

  template <class Response>
  struct Reply {
    grpc::Status status;
    Response response;
    std::string trailer;
  };
  Reply<v1::StartDeviceResponse> start(std::int64_t device, std::int64_t user, int minutes,
                                       std::optional<Idem> i = {}) {
    grpc::ClientContext context;
    deadline(context);
    idem(context, i);
    v1::StartDeviceRequest request;
    request.set_device_id(device);
    request.set_user_id(user);
    request.set_duration_minutes(minutes);
    Reply<v1::StartDeviceResponse> reply;
    reply.status = stub->StartDevice(&context, request, &reply.response);
    reply.trailer = trailer(context);
    return reply;
  }
  Reply<v1::StopDeviceResponse> stop(std::int64_t device, std::int64_t actor, bool admin,
                                     std::optional<Idem> i = {}) {
    grpc::ClientContext context;
    deadline(context);
    idem(context, i);
    v1::StopDeviceRequest request;
    request.set_device_id(device);
    request.set_actor_user_id(actor);
    request.set_actor_is_admin(admin);
    Reply<v1::StopDeviceResponse> reply;
    reply.status = stub->StopDevice(&context, request, &reply.response);
    reply.trailer = trailer(context);
    return reply;
  }
  void set_cash(std::int64_t user, const std::string& cash) {
    grpc::ClientContext context;
    deadline(context);
    v1::SetCashRequest request;
    request.set_user_id(user);
    request.set_cash(cash);
    request.set_actor_user_id(1);
    v1::SetCashResponse response;
    REQUIRE(stub->SetCash(&context, request, &response).ok());
  }
  std::string cash(std::int64_t user) {
    grpc::ClientContext context;
    deadline(context);
    v1::GetWalletsRequest request;
    request.add_user_ids(user);
    v1::GetWalletsResponse response;
    REQUIRE(stub->GetWallets(&context, request, &response).ok());
    return response.wallets(0).cash();
  }
  int charges(std::int64_t user) {
    grpc::ClientContext context;
    deadline(context);
    v1::ListLedgerRequest request;
    request.set_user_id(user);
    v1::ListLedgerResponse response;
    REQUIRE(stub->ListLedger(&context, request, &response).ok());
    int n = 0;
    for (const auto& e : response.entries()) n += e.kind() == "charge";
    return n;
  }
};

// A WatchDevice stream read on the test's thread.
struct Watch {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::DeviceEvent>> reader;
  Watch(Harness& h, std::int64_t device_id) {
    Harness::deadline(context);
    v1::WatchDeviceRequest request;
    request.set_device_id(device_id);
    reader = h.stub->WatchDevice(&context, request);
  }
  v1::DeviceEvent next() {
    v1::DeviceEvent event;
    REQUIRE(reader->Read(&event));
    return event;
  }
};

}  // namespace

TEST_CASE("devices render exact costs, state and as_of", "[grpc][integration]") {
  Harness h;
  grpc::ClientContext context;
  Harness::deadline(context);
  v1::ListDevicesResponse list;
  REQUIRE(h.stub->ListDevices(&context, {}, &list).ok());
  REQUIRE(list.devices_size() == 5);
  const auto& dryer = list.devices(3);
  CHECK(dryer.id() == kDryer);
  CHECK(dryer.name() == "Dryer 1");
  CHECK(dryer.type() == "dryer");
  CHECK(dryer.hourly_cost() == "1.50");
  CHECK_FALSE(dryer.running());
  CHECK_FALSE(dryer.has_user_id());
  CHECK_FALSE(dryer.has_end_time());
  CHECK(dryer.time_left() == 0);
  CHECK(dryer.as_of().seconds() == 1'700'000'000);

  h.set_cash(kAnn, "10");
  const auto started = h.start(kDryer, kAnn, 60);
  REQUIRE(started.status.ok());
  CHECK(started.response.charged_amount() == "1.50");
  CHECK(started.response.device().running());
  CHECK(started.response.device().user_id() == kAnn);
  CHECK(started.response.device().end_time().seconds() == 1'700'000'000 + 3600);
  CHECK(started.response.device().time_left() == 3600.0);
  CHECK(h.cash(kAnn) == "8.50");

  grpc::ClientContext get_context;
  Harness::deadline(get_context);
  v1::GetDeviceRequest get;
  get.set_device_id(99);
  v1::GetDeviceResponse got;
  const auto missing = h.stub->GetDevice(&get_context, get, &got);
  CHECK(missing.error_code() == StatusCode::NOT_FOUND);
  CHECK(missing.error_message() == "Device not found");
}

TEST_CASE("rule failures carry their codes and texts", "[grpc][integration]") {
  Harness h;
  h.set_cash(kAnn, "1.00");
  h.set_cash(kBob, "100.00");
  auto failed = h.start(kDryer, kAnn, 60);
  CHECK(failed.status.error_code() == StatusCode::FAILED_PRECONDITION);
  CHECK(failed.status.error_message() == "Insufficient funds");
  CHECK(h.start(kDryer, kAnn, 0).status.error_code() == StatusCode::INVALID_ARGUMENT);
  CHECK(h.start(99, kAnn, 10).status.error_code() == StatusCode::NOT_FOUND);
  REQUIRE(h.start(kDryer, kBob, 60).status.ok());
  failed = h.start(kDryer, kBob, 60);
  CHECK(failed.status.error_code() == StatusCode::FAILED_PRECONDITION);
  CHECK(failed.status.error_message() == "Device is already running");
  const auto denied = h.stop(kDryer, kAnn, false);
  CHECK(denied.status.error_code() == StatusCode::PERMISSION_DENIED);
  CHECK(denied.status.error_message() == "Not enough permissions");
  h.clock.advance(15min);
  const auto stopped = h.stop(kDryer, kBob, false);
  REQUIRE(stopped.status.ok());
  CHECK(stopped.response.refund_amount() == "1.13");
  CHECK_FALSE(stopped.response.device().running());
  const auto idle = h.stop(kDryer, kBob, true);
  CHECK(idle.status.error_code() == StatusCode::FAILED_PRECONDITION);
  CHECK(idle.status.error_message() == "Device is not running");

  grpc::ClientContext context;
  Harness::deadline(context);
  v1::SetCashRequest bad;
  bad.set_user_id(kAnn);
  bad.set_cash("1.234");
  v1::SetCashResponse ignored;
  CHECK(h.stub->SetCash(&context, bad, &ignored).error_code() == StatusCode::INVALID_ARGUMENT);
}

TEST_CASE("a replayed start returns the first response byte for byte, with no second charge",
          "[grpc][integration]") {
  Harness h;
  h.set_cash(kAnn, "10.00");
  const auto first = h.start(kDryer, kAnn, 60, Harness::Idem{"k-1"});
  REQUIRE(first.status.ok());
  CHECK(first.trailer.empty());
  h.clock.advance(30s);
  const auto again = h.start(kDryer, kAnn, 60, Harness::Idem{"k-1"});
  REQUIRE(again.status.ok());
  CHECK(again.trailer == "replayed");
  CHECK(again.response.SerializeAsString() == first.response.SerializeAsString());
  CHECK(h.cash(kAnn) == "8.50");
  CHECK(h.charges(kAnn) == 1);

  const auto other = h.start(kDryer, kAnn, 30, Harness::Idem{"k-1", "fp-other"});
  CHECK(other.status.error_code() == StatusCode::INVALID_ARGUMENT);
  CHECK(other.status.error_message() == "Idempotency key was used with a different request");
  CHECK(other.trailer == "mismatch");

  // A client error is stored with the key (issue 11 item 6): the same key replays it even once
  // the cause is gone, with no charge; a new key runs.
  const auto busy = h.start(kWasher, kAnn, 600, Harness::Idem{"k-2"});
  h.set_cash(kAnn, "0.00");
  const auto poor = h.start(kWasher, kAnn, 10, Harness::Idem{"k-3"});
  CHECK(poor.status.error_message() == "Insufficient funds");
  h.set_cash(kAnn, "5.00");
  const auto replayed = h.start(kWasher, kAnn, 10, Harness::Idem{"k-3"});
  CHECK(replayed.status.error_code() == poor.status.error_code());
  CHECK(replayed.status.error_message() == "Insufficient funds");
  CHECK(replayed.trailer == "replayed");
  CHECK(h.cash(kAnn) == "5.00");
  CHECK(h.start(kWasher, kAnn, 10, Harness::Idem{"k-4"}).status.ok());
  CHECK(h.cash(kAnn) == "4.80");

  // Stop is exactly-once too: the repeat replays the refund instead of failing.
  const auto stop = h.stop(kDryer, kAnn, false, Harness::Idem{"s-1"});
  REQUIRE(stop.status.ok());
  const auto stop_again = h.stop(kDryer, kAnn, false, Harness::Idem{"s-1"});
  CHECK(stop_again.status.ok());
  CHECK(stop_again.trailer == "replayed");
  CHECK(stop_again.response.SerializeAsString() == stop.response.SerializeAsString());
  (void)busy;
}

TEST_CASE("20 concurrent StartDevice calls: one success, one charge", "[grpc][integration]") {
  Harness h;
  h.set_cash(kAnn, "10.00");
  std::vector<std::future<grpc::Status>> calls;
  for (int i = 0; i < 20; ++i) {
    calls.push_back(
        std::async(std::launch::async, [&] { return h.start(kDryer, kAnn, 60).status; }));
  }
  int ok = 0;
  for (auto& c : calls) {
    const auto status = c.get();
    if (status.ok()) {
      ++ok;
    } else {
      CHECK(status.error_message() == "Device is already running");
    }
  }
  CHECK(ok == 1);
  CHECK(h.charges(kAnn) == 1);
  CHECK(h.cash(kAnn) == "8.50");
}

TEST_CASE("20 concurrent duplicates of one idempotent start make one charge",
          "[grpc][integration]") {
  Harness h;
  h.set_cash(kAnn, "10.00");
  std::vector<std::future<Harness::Reply<v1::StartDeviceResponse>>> calls;
  for (int i = 0; i < 20; ++i) {
    calls.push_back(std::async(std::launch::async,
                               [&] { return h.start(kDryer, kAnn, 60, Harness::Idem{"dup"}); }));
  }
  int fresh = 0;
  for (auto& c : calls) {
    const auto reply = c.get();
    if (reply.status.ok() && reply.trailer.empty()) ++fresh;
    if (!reply.status.ok()) CHECK(reply.trailer == "in-flight");
  }
  CHECK(fresh == 1);
  CHECK(h.charges(kAnn) == 1);
}

TEST_CASE("a watch starts with a snapshot, then follows start and stop", "[grpc][integration]") {
  Harness h;
  h.set_cash(kAnn, "10.00");
  Watch watch(h, kDryer);
  const auto snapshot = watch.next();
  CHECK(snapshot.kind() == v1::DeviceEvent::KIND_SNAPSHOT);
  CHECK_FALSE(snapshot.device().running());
  CHECK(snapshot.device().hourly_cost() == "1.50");

  REQUIRE(h.start(kDryer, kAnn, 60).status.ok());
  const auto started = watch.next();
  CHECK(started.kind() == v1::DeviceEvent::KIND_STARTED);
  CHECK(started.device().running());
  CHECK(started.device().user_id() == kAnn);
  CHECK(started.device().end_time().seconds() == 1'700'000'000 + 3600);

  h.clock.advance(10min);
  REQUIRE(h.stop(kDryer, kAnn, false).status.ok());
  const auto stopped = watch.next();
  CHECK(stopped.kind() == v1::DeviceEvent::KIND_STOPPED);
  CHECK_FALSE(stopped.device().running());

  h.clock.advance(1min);
  REQUIRE(h.start(kDryer, kAnn, 1).status.ok());
  CHECK(watch.next().kind() == v1::DeviceEvent::KIND_STARTED);
  h.clock.advance(2min);
  CHECK(h.rental->expire_due() == 1);
  CHECK(watch.next().kind() == v1::DeviceEvent::KIND_EXPIRED);

  CHECK(h.hub.watchers(kDryer) == 1);
  watch.context.TryCancel();
  v1::DeviceEvent ignored;
  while (watch.reader->Read(&ignored)) {
  }
  CHECK(watch.reader->Finish().error_code() == StatusCode::CANCELLED);
  for (int i = 0; i < 100 && h.hub.watchers(kDryer) > 0; ++i) std::this_thread::sleep_for(10ms);
  CHECK(h.hub.watchers(kDryer) == 0);  // OnDone unsubscribed it
}

TEST_CASE("watching an unknown device is NOT_FOUND", "[grpc][integration]") {
  Harness h;
  Watch watch(h, 99);
  v1::DeviceEvent event;
  CHECK_FALSE(watch.reader->Read(&event));
  const auto status = watch.reader->Finish();
  CHECK(status.error_code() == StatusCode::NOT_FOUND);
  CHECK(status.error_message() == "Device not found");
}

TEST_CASE("a watcher that does not read is ended with RESOURCE_EXHAUSTED", "[grpc][integration]") {
  Harness h;
  Watch watch(h, kWasher);
  CHECK(watch.next().kind() == v1::DeviceEvent::KIND_SNAPSHOT);
  // Large events, published faster than an unread stream can take them: once HTTP/2 flow
  // control stops the writes, the 32-event queue fills and the watcher is ended.
  DeviceEvent big{DeviceEvent::Kind::kStarted, h.rental->get_device(kWasher), 0};
  big.device.record.name = std::string(64 * 1024, 'x');
  for (int i = 1; i <= 2000 && h.hub.watchers(kWasher) > 0; ++i) {
    big.sequence = 2 * i;
    h.hub.publish(big);
  }
  v1::DeviceEvent event;
  int read = 0;
  while (watch.reader->Read(&event)) ++read;
  const auto status = watch.reader->Finish();
  CHECK(status.error_code() == StatusCode::RESOURCE_EXHAUSTED);
  CHECK(read < 2000);
}

TEST_CASE("shutdown ends open watches promptly", "[grpc][integration]") {
  Harness h;
  Watch watch(h, kWasher);
  CHECK(watch.next().kind() == v1::DeviceEvent::KIND_SNAPSHOT);
  const auto began = std::chrono::steady_clock::now();
  h.hub.end_all(Watcher::End::kShutdown);
  h.server->server().shutdown();
  v1::DeviceEvent event;
  CHECK_FALSE(watch.reader->Read(&event));
  CHECK(watch.reader->Finish().error_code() == StatusCode::UNAVAILABLE);
  CHECK(std::chrono::steady_clock::now() - began < 2s);
}

TEST_CASE("watchers that come and go while events are published end cleanly",
          "[grpc][integration]") {
  Harness h;
  std::atomic<bool> publishing{true};
  auto publisher = std::async(std::launch::async, [&] {
    DeviceEvent event{DeviceEvent::Kind::kStarted, h.rental->get_device(kWasher), 0};
    for (std::int64_t seq = 2; publishing; seq += 2) {
      event.sequence = seq;
      h.hub.publish(event);
      std::this_thread::sleep_for(100us);
    }
  });
  std::vector<std::future<int>> clients;
  for (int c = 0; c < 4; ++c) {
    clients.push_back(std::async(std::launch::async, [&] {
      int wrong_first = 0;
      for (int i = 0; i < 25; ++i) {
        Watch watch(h, kWasher);
        v1::DeviceEvent event;
        // The first message is the snapshot (or none, if the watcher overflowed before it).
        if (watch.reader->Read(&event) && event.kind() != v1::DeviceEvent::KIND_SNAPSHOT) {
          ++wrong_first;
        }
        if (i % 2 == 0) watch.reader->Read(&event);  // sometimes cancel mid-stream
        watch.context.TryCancel();
        while (watch.reader->Read(&event)) {
        }
        watch.reader->Finish();
      }
      return wrong_first;
    }));
  }
  for (auto& c : clients) CHECK(c.get() == 0);
  publishing = false;
  publisher.get();
  for (int i = 0; i < 200 && h.hub.watchers(kWasher) > 0; ++i) std::this_thread::sleep_for(10ms);
  CHECK(h.hub.watchers(kWasher) == 0);
}

namespace {

// A WatchDevices stream read on the test's thread.
struct Feed {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::DeviceFeedEvent>> reader;
  explicit Feed(Harness& h) {
    Harness::deadline(context);
    reader = h.stub->WatchDevices(&context, v1::WatchDevicesRequest{});
  }
  v1::DeviceFeedEvent next() {
    v1::DeviceFeedEvent event;
    REQUIRE(reader->Read(&event));
    return event;
  }
  // The next device event (wallet events of the same change may come first or after).
  v1::DeviceEvent next_device() {
    for (;;) {
      auto event = next();
      if (event.has_device()) return event.device();
    }
  }
  v1::Wallet next_wallet() {
    for (;;) {
      auto event = next();
      if (event.has_wallet()) return event.wallet();
    }
  }
};

}  // namespace

TEST_CASE("WatchDevices: a snapshot of every device, then changes with increasing versions",
          "[grpc][integration]") {
  Harness h;
  h.set_cash(kAnn, "10.00");
  Feed feed(h);
  for (std::int64_t id = 1; id <= 5; ++id) {
    const auto event = feed.next();
    REQUIRE(event.has_device());
    CHECK(event.device().kind() == v1::DeviceEvent::KIND_SNAPSHOT);
    CHECK(event.device().device().id() == id);
    CHECK(event.device().device().version() == 0);
  }
  CHECK(feed.next().has_snapshot_end());

  const auto started = h.start(kDryer, kAnn, 60);
  REQUIRE(started.status.ok());
  CHECK(started.response.device().version() == 1);
  CHECK(started.response.wallet().user_id() == kAnn);
  CHECK(started.response.wallet().cash() == "8.50");
  auto device = feed.next_device();
  CHECK(device.kind() == v1::DeviceEvent::KIND_STARTED);
  CHECK(device.device().version() == 1);
  CHECK(device.device().user_id() == kAnn);
  auto wallet = feed.next_wallet();
  CHECK(wallet.cash() == "8.50");
  CHECK(wallet.version() == started.response.wallet().version());
  const auto charge_version = wallet.version();

  h.clock.advance(30min);
  const auto stopped = h.stop(kDryer, kAnn, false);
  REQUIRE(stopped.status.ok());
  CHECK(stopped.response.device().version() == 2);
  CHECK(stopped.response.wallet().cash() == "9.25");
  device = feed.next_device();
  CHECK(device.kind() == v1::DeviceEvent::KIND_STOPPED);
  CHECK(device.device().version() == 2);
  wallet = feed.next_wallet();
  CHECK(wallet.cash() == "9.25");
  CHECK(wallet.version() > charge_version);

  REQUIRE(h.start(kDryer, kAnn, 1).status.ok());
  CHECK(feed.next_device().device().version() == 3);
  const auto before = feed.next_wallet().version();  // the second start's charge
  h.clock.advance(2min);
  CHECK(h.rental->expire_due() == 1);
  device = feed.next_device();
  CHECK(device.kind() == v1::DeviceEvent::KIND_EXPIRED);
  CHECK(device.device().version() == 4);
  CHECK_FALSE(device.device().running());

  h.set_cash(kAnn, "42.00");
  wallet = feed.next_wallet();
  CHECK(wallet.user_id() == kAnn);
  CHECK(wallet.cash() == "42.00");
  CHECK(wallet.version() > before);

  // GetWallets and GetDevice carry the same versions.
  grpc::ClientContext context;
  Harness::deadline(context);
  v1::GetWalletsRequest request;
  request.add_user_ids(kAnn);
  request.add_user_ids(kBob);
  v1::GetWalletsResponse wallets;
  REQUIRE(h.stub->GetWallets(&context, request, &wallets).ok());
  CHECK(wallets.wallets(0).version() == wallet.version());
  CHECK(wallets.wallets(1).version() == 0);
  CHECK(h.rental->get_device(kDryer).record.version == 4);

  // A resubscriber's snapshot carries the versions.
  Feed again(h);
  for (std::int64_t id = 1; id <= 5; ++id) {
    const auto event = again.next();
    CHECK(event.device().device().version() == (id == kDryer ? 4 : 0));
  }
  CHECK(h.hub.feed_watchers() == 2);
}

TEST_CASE("WatchDevices: a feed watcher that does not read is ended with RESOURCE_EXHAUSTED",
          "[grpc][integration]") {
  Harness h;
  Feed feed(h);
  for (int i = 0; i < 6; ++i) feed.next();  // the snapshot and its end
  DeviceEvent big{DeviceEvent::Kind::kStarted, h.rental->get_device(kWasher), 0};
  big.device.record.name = std::string(64 * 1024, 'x');
  for (int i = 1; i <= 5000 && h.hub.feed_watchers() > 0; ++i) {
    big.sequence = 2 * i;
    h.hub.publish(big);
  }
  v1::DeviceFeedEvent event;
  int read = 0;
  while (feed.reader->Read(&event)) ++read;
  const auto status = feed.reader->Finish();
  CHECK(status.error_code() == StatusCode::RESOURCE_EXHAUSTED);
  CHECK(read < 5000);
}
