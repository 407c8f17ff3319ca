// Upstream over gRPC callback-API stubs.
#include "upstream/upstream.h"

#include <grpcpp/channel.h>
#include <grpcpp/support/client_callback.h>

namespace fleet::gateway::upstream {
namespace {

class GrpcWatcher final : public Watcher {
 public:
  GrpcWatcher(std::shared_ptr<grpc::Channel> channel, InFlight* in_flight)
      : stub_(dspb::DeviceSessionService::NewStub(std::move(channel))), in_flight_(in_flight) {}
  std::shared_ptr<Watch> watch_device(std::int64_t device_id, WatchCallbacks callbacks) override {
    dspb::WatchDeviceRequest request;
    request.set_device_id(device_id);
    auto* async = stub_->async();
    return StreamReactor<dspb::WatchDeviceRequest, dspb::DeviceEvent>::start(
        [async](grpc::ClientContext* context, const dspb::WatchDeviceRequest* req,
                grpc::ClientReadReactor<dspb::DeviceEvent>* reactor) {
          async->WatchDevice(context, req, reactor);
        },
        request, std::move(callbacks), in_flight_);
  }

 private:
  std::unique_ptr<dspb::DeviceSessionService::Stub> stub_;
  InFlight* in_flight_;
};

// The channel named `name`; a call on a service without one fails UNAVAILABLE at once.
std::shared_ptr<grpc::Channel> channel_of(
    const std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>>& channels,
    std::string_view name) {
  auto found = channels.find(name);
  if (found == channels.end()) throw std::invalid_argument("no channel for service " + std::string(name));
  return found->second;
}

}  // namespace

Metadata idempotency_metadata(const Idempotency& idempotency) {
  // The metadata of libs/idempotency (fleet/idempotency/unary.h), the service side.
  if (idempotency.key.empty()) return {};
  return {{"x-idempotency-key", idempotency.key},
          {"x-idempotency-fingerprint", idempotency.fingerprint},
          {"x-caller-id", idempotency.caller}};
}

Upstream::Upstream(
    const std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>>& channels,
    std::chrono::milliseconds timeout, InFlight& in_flight)
    : timeout_(timeout), in_flight_(&in_flight) {
  std::get<std::unique_ptr<userpb::UserService::Stub>>(stubs_) =
      userpb::UserService::NewStub(channel_of(channels, Binding<UserRpc>::name));
  std::get<std::unique_ptr<authpb::AuthService::Stub>>(stubs_) =
      authpb::AuthService::NewStub(channel_of(channels, Binding<AuthRpc>::name));
  std::get<std::unique_ptr<dspb::DeviceSessionService::Stub>>(stubs_) =
      dspb::DeviceSessionService::NewStub(channel_of(channels, Binding<DeviceSessionRpc>::name));
  std::get<std::unique_ptr<repairpb::RepairShopService::Stub>>(stubs_) =
      repairpb::RepairShopService::NewStub(channel_of(channels, Binding<RepairShopRpc>::name));
  std::get<std::unique_ptr<slpb::StreetlightService::Stub>>(stubs_) =
      slpb::StreetlightService::NewStub(channel_of(channels, Binding<StreetlightRpc>::name));
  std::get<std::unique_ptr<syncpb::SyncService::Stub>>(stubs_) =
      syncpb::SyncService::NewStub(channel_of(channels, Binding<SyncRpc>::name));
  for (const auto& [name, channel] : channels) {
    health_.emplace(name, healthpb::Health::NewStub(channel));
    feeds_.emplace(name, changespb::ChangeFeed::NewStub(channel));
  }
  grpc_watcher_ = std::make_unique<GrpcWatcher>(
      channel_of(channels, Binding<DeviceSessionRpc>::name), in_flight_);
  watcher_ = grpc_watcher_.get();
}

Upstream::Upstream(Interceptor& interceptor, Watcher* watcher, StreamInterceptor* streams)
    : interceptor_(&interceptor), stream_interceptor_(streams), watcher_(watcher) {}

Upstream::~Upstream() = default;

std::shared_ptr<Watch> Upstream::watch_device(std::int64_t device_id, WatchCallbacks callbacks) {
  if (watcher_ == nullptr) {
    callbacks.on_done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no watcher"));
    return nullptr;
  }
  return watcher_->watch_device(device_id, std::move(callbacks));
}

std::shared_ptr<Watch> Upstream::watch_changes(std::string_view service,
                                               StreamCallbacks<changespb::Change> callbacks) {
  const changespb::WatchRequest request;
  const auto found = feeds_.find(service);
  if (interceptor_ != nullptr || found == feeds_.end()) {
    if (stream_interceptor_ != nullptr) {
      return stream_interceptor_->open(request, raw_callbacks(std::move(callbacks)));
    }
    callbacks.on_done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no change feed"));
    return nullptr;
  }
  auto* async = found->second->async();
  return StreamReactor<changespb::WatchRequest, changespb::Change>::start(
      [async](grpc::ClientContext* context, const changespb::WatchRequest* req,
              grpc::ClientReadReactor<changespb::Change>* reactor) {
        async->Watch(context, req, reactor);
      },
      request, std::move(callbacks), in_flight_);
}

Call<healthpb::HealthCheckResponse> Upstream::check(std::string_view service,
                                                    std::chrono::milliseconds timeout) {
  const healthpb::HealthCheckRequest request;
  if (interceptor_ != nullptr) {
    // Tests tell the services apart by this metadata.
    return intercepted<healthpb::HealthCheckResponse>(request, {},
                                                      {{"x-service", std::string(service)}});
  }
  auto found = health_.find(service);
  if (found == health_.end()) {
    return [](std::string name) -> Call<healthpb::HealthCheckResponse> {
      co_return Reply<healthpb::HealthCheckResponse>{
          grpc::Status(grpc::StatusCode::UNAVAILABLE, "no channel for " + name), {}, {}};
    }(std::string(service));
  }
  auto* async = found->second->async();
  return unary_call<healthpb::HealthCheckResponse>(
      [async](grpc::ClientContext* context, const healthpb::HealthCheckRequest* req,
              healthpb::HealthCheckResponse* resp, std::function<void(grpc::Status)> done) {
        async->Check(context, req, resp, std::move(done));
      },
      request, CallOptions{timeout, {}, {}}, in_flight_);
}

}  // namespace fleet::gateway::upstream
