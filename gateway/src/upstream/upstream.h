#pragma once
// The services behind the gateway, called generically: one typed call per stub method instead
// of one hand-written wrapper per RPC (grpc-gateway's generated clients do the same).
//
//   auto reply = co_await upstream.call(&UserRpc::GetUser, request, request_id);
//
// Every call carries the configured deadline and the request id (x-request-id). A service is
// known by its stub type (Binding below) and by its name in services/services.tsv.
//
// Tests answer calls with canned replies: an Interceptor sees each request (by its protobuf
// type) and returns the reply, so no network and no copy of the services' rules is needed.
//
// Arguments are references so that `co_await upstream.call(...)` creates no temporaries: g++ 12
// may destroy a temporary with a destructor twice when it sits in a co_await expression.
#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "app/upstream_metrics.h"
#include "auth/v1/auth.grpc.pb.h"
#include "changes/v1/changes.grpc.pb.h"
#include "device_session/v1/device_session.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "repair_shop/v1/repair_shop.grpc.pb.h"
#include "streetlight/v1/streetlight.grpc.pb.h"
#include "sync/v1/sync.grpc.pb.h"
#include "upstream/call.h"
#include "upstream/stream.h"
#include "user/v1/user.grpc.pb.h"

namespace grpc {
class Channel;
}

namespace fleet::gateway::upstream {

namespace userpb = ::fleetgate::user::v1;
namespace authpb = ::fleetgate::auth::v1;
namespace healthpb = ::grpc::health::v1;
namespace dspb = ::fleetgate::device_session::v1;
namespace repairpb = ::fleetgate::repair_shop::v1;
namespace slpb = ::fleetgate::streetlight::v1;
namespace syncpb = ::fleetgate::sync::v1;
namespace changespb = ::fleetgate::changes::v1;

// The callback-API method sets, for `&UserRpc::GetUser` and the like.
using UserRpc = userpb::UserService::StubInterface::async_interface;
using AuthRpc = authpb::AuthService::StubInterface::async_interface;
using DeviceSessionRpc = dspb::DeviceSessionService::StubInterface::async_interface;
using RepairShopRpc = repairpb::RepairShopService::StubInterface::async_interface;
using StreetlightRpc = slpb::StreetlightService::StubInterface::async_interface;
using SyncRpc = syncpb::SyncService::StubInterface::async_interface;

template <typename T>
using Call = boost::asio::awaitable<Reply<T>>;

// A unary callback-API stub method: void (Stub::async::*)(ClientContext*, const Req*, Resp*,
// std::function<void(Status)>). Taking `&UserRpc::GetUser` picks this overload, not the
// reactor one.
template <typename Async, typename Request, typename Response>
using Method = void (Async::*)(grpc::ClientContext*, const Request*, Response*,
                               std::function<void(grpc::Status)>);

// Which service (by its services.tsv name) a stub belongs to. A new service adds one line here
// and one stub to Upstream::Stubs.
template <typename Async>
struct Binding;
template <>
struct Binding<UserRpc> {
  using Service = userpb::UserService;
  static constexpr std::string_view name = "user";
};
template <>
struct Binding<AuthRpc> {
  using Service = authpb::AuthService;
  static constexpr std::string_view name = "auth";
};
template <>
struct Binding<DeviceSessionRpc> {
  using Service = dspb::DeviceSessionService;
  static constexpr std::string_view name = "device-session";
};
template <>
struct Binding<RepairShopRpc> {
  using Service = repairpb::RepairShopService;
  static constexpr std::string_view name = "repair-shop";
};
template <>
struct Binding<StreetlightRpc> {
  using Service = slpb::StreetlightService;
  static constexpr std::string_view name = "streetlight";
};
template <>
struct Binding<SyncRpc> {
  using Service = syncpb::SyncService;
  static constexpr std::string_view name = "sync";
};

// The RPC's name from its request message's ("GetUserRequest" -> "GetUser"), for metrics.
template <typename Request>
std::string_view rpc_name() {
  static const std::string name = [] {
    std::string full = Request::descriptor()->name();
    if (full.ends_with("Request")) full.resize(full.size() - 7);
    return full;
  }();
  return name;
}

// What an idempotent call forwards as metadata (x-idempotency-key, x-idempotency-fingerprint,
// x-caller-id); an empty key sends nothing.
struct Idempotency {
  std::string key;
  std::string fingerprint;  // hex SHA-256 of method, path and body
  std::string caller;       // the acting account's id, or "anonymous" without a token
};
Metadata idempotency_metadata(const Idempotency& idempotency);

// A reply as bytes, for interceptors.
struct RawReply {
  grpc::Status status;
  std::string response;  // the serialized response message (ignored unless status is OK)
  Metadata trailers;
};

// Answers calls in place of the services (tests). `request` is the call's request message;
// `metadata` what the call sends (idempotency keys, x-request-id).
class Interceptor {
 public:
  virtual ~Interceptor() = default;
  virtual RawReply answer(const google::protobuf::Message& request, const Metadata& metadata) = 0;
};

// One open WatchDevice stream (upstream/stream.h).
using WatchCallbacks = StreamCallbacks<dspb::DeviceEvent>;
// Opens WatchDevice streams; the real one over gRPC, tests' own in memory.
class Watcher {
 public:
  virtual ~Watcher() = default;
  // A server stream without deadline, open until cancelled or failed.
  virtual std::shared_ptr<Watch> watch_device(std::int64_t device_id, WatchCallbacks callbacks) = 0;
};

class Upstream {
 public:
  // Channels by service name (services.tsv); every call and stream counts in `in_flight`.
  Upstream(const std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>>& channels,
           std::chrono::milliseconds timeout, InFlight& in_flight);
  // Tests: every call is answered by `interceptor`, WatchDevice streams by `watcher` and other
  // streams by `streams` (if given; else they end UNAVAILABLE at once).
  explicit Upstream(Interceptor& interceptor, Watcher* watcher = nullptr,
                    StreamInterceptor* streams = nullptr);
  ~Upstream();

  // Every call is counted in `metrics` from then on (service, method, code and latency).
  void count_calls(app::UpstreamMetrics& metrics) { metrics_ = &metrics; }

  template <typename Async, typename Request, typename Response>
  Call<Response> call(Method<Async, Request, Response> method, const Request& request,
                      const std::string& request_id, const Metadata& metadata = {}) {
    auto reply = [&] {
      if (interceptor_ != nullptr) return intercepted<Response>(request, request_id, metadata);
      auto* async =
          std::get<std::unique_ptr<typename Binding<Async>::Service::Stub>>(stubs_)->async();
      return unary_call<Response>(
          [async, method](grpc::ClientContext* context, const Request* req, Response* resp,
                          std::function<void(grpc::Status)> done) {
            (async->*method)(context, req, resp, std::move(done));
          },
          request, CallOptions{timeout_, request_id, metadata}, in_flight_);
    }();
    if (metrics_ == nullptr) return reply;
    return counted(std::move(reply), Binding<Async>::name, rpc_name<Request>());
  }

  // A server stream without deadline, open until cancelled or failed (upstream/stream.h);
  // null when it ended at once.
  template <typename Async, typename Request, typename Event>
  std::shared_ptr<Watch> stream(StreamMethod<Async, Request, Event> method, const Request& request,
                                StreamCallbacks<Event> callbacks) {
    if (interceptor_ != nullptr) {
      if (stream_interceptor_ != nullptr) {
        return stream_interceptor_->open(request, raw_callbacks(std::move(callbacks)));
      }
      callbacks.on_done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no stream interceptor"));
      return nullptr;
    }
    auto* async =
        std::get<std::unique_ptr<typename Binding<Async>::Service::Stub>>(stubs_)->async();
    return StreamReactor<Request, Event>::start(
        [async, method](grpc::ClientContext* context, const Request* req,
                        grpc::ClientReadReactor<Event>* reactor) {
          (async->*method)(context, req, reactor);
        },
        request, std::move(callbacks), in_flight_);
  }

  std::shared_ptr<Watch> watch_device(std::int64_t device_id, WatchCallbacks callbacks);

  // The ChangeFeed.Watch stream of a service (by its services.tsv name), which every service
  // with a change feed serves next to its own; in tests the stream interceptor's.
  std::shared_ptr<Watch> watch_changes(std::string_view service,
                                       StreamCallbacks<changespb::Change> callbacks);

  // grpc.health.v1 Check of a whole server ("" service) by its services.tsv name; UNAVAILABLE
  // for a name without a channel.
  Call<healthpb::HealthCheckResponse> check(std::string_view service,
                                            std::chrono::milliseconds timeout);

 private:
  // Asked at once, not when awaited: the request need not outlive this call.
  template <typename Response>
  Call<Response> intercepted(const google::protobuf::Message& request, std::string request_id,
                             Metadata metadata) {
    metadata.emplace_back("x-request-id", std::move(request_id));
    RawReply raw = interceptor_->answer(request, metadata);
    Reply<Response> reply{std::move(raw.status), {}, std::move(raw.trailers)};
    if (reply.status.ok()) reply.message.ParseFromString(raw.response);
    return ready(std::move(reply));
  }
  template <typename Response>
  static Call<Response> ready(Reply<Response> reply) {
    co_return reply;
  }
  // The call, timed from when it is awaited (when a real call starts) to its status.
  template <typename Response>
  Call<Response> counted(Call<Response> call, std::string_view service, std::string_view method) {
    const auto started = std::chrono::steady_clock::now();
    auto reply = co_await std::move(call);
    metrics_->observe(service, method, static_cast<int>(reply.status.error_code()),
                      std::chrono::steady_clock::now() - started);
    co_return reply;
  }

  std::tuple<std::unique_ptr<userpb::UserService::Stub>, std::unique_ptr<authpb::AuthService::Stub>,
             std::unique_ptr<dspb::DeviceSessionService::Stub>,
             std::unique_ptr<repairpb::RepairShopService::Stub>,
             std::unique_ptr<slpb::StreetlightService::Stub>,
             std::unique_ptr<syncpb::SyncService::Stub>>
      stubs_;
  std::map<std::string, std::unique_ptr<healthpb::Health::Stub>, std::less<>> health_;
  std::map<std::string, std::unique_ptr<changespb::ChangeFeed::Stub>, std::less<>> feeds_;
  std::chrono::milliseconds timeout_{5000};
  InFlight* in_flight_ = nullptr;
  Interceptor* interceptor_ = nullptr;
  StreamInterceptor* stream_interceptor_ = nullptr;
  Watcher* watcher_ = nullptr;
  std::unique_ptr<Watcher> grpc_watcher_;
  app::UpstreamMetrics* metrics_ = nullptr;
};

}  // namespace fleet::gateway::upstream
