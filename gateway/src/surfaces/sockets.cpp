// The WebSocket routes. The handshake is refused with an HTTP answer in the surface's body: 401
// without a valid token (Authorization: Bearer or ?token=), 422 for a device id that is not an
// integer, 404 for an unknown device. The token is checked at the handshake only.
//   /device/ws/timeleft/{device_id}, /device/ws/status/{device_id}  the device hub's feeds
//   /api/v1/ws/{client_id}                                           the chat hub
#include "app/metrics.h"
#include "app/support.h"
#include "realtime/chat_hub.h"
#include "realtime/device_hub.h"
#include "surfaces/routes.h"

namespace fleet::gateway::surfaces {
namespace {

using app::Context;
using app::SocketKind;
namespace dspb = upstream::dspb;
using Awaitable = boost::asio::awaitable<server::Upgrade>;

// Counts the socket while it is open, and a drop for a slow client.
class CountedSocket : public ws::Handler {
 public:
  CountedSocket(app::Metrics& metrics, SocketKind kind) : metrics_(metrics), kind_(kind) {}

 protected:
  void opened() { metrics_.socket_opened(kind_); }
  void closed(ws::CloseReason reason) {
    metrics_.socket_closed(kind_);
    if (reason == ws::CloseReason::kSlow) metrics_.socket_dropped_slow();
  }

 private:
  app::Metrics& metrics_;
  SocketKind kind_;
};

class DeviceSocket final : public CountedSocket {
 public:
  DeviceSocket(app::Services& services, std::int64_t device_id, realtime::Feed feed)
      : CountedSocket(services.metrics, feed == realtime::Feed::kTimeleft ? SocketKind::kTimeleft
                                                                          : SocketKind::kStatus),
        hub_(services.devices),
        device_id_(device_id),
        feed_(feed) {}

  std::size_t read_limit() const override { return 1024; }  // clients have nothing to say here
  void on_open(const std::shared_ptr<ws::Socket>& socket) override {
    opened();
    ticket_ = hub_.subscribe(device_id_, feed_, socket);
  }
  void on_text(std::string_view) override {}
  void on_close(ws::CloseReason reason) override {
    hub_.unsubscribe(device_id_, ticket_);
    closed(reason);
  }

 private:
  realtime::DeviceHub& hub_;
  const std::int64_t device_id_;
  const realtime::Feed feed_;
  realtime::DeviceHub::Ticket ticket_ = 0;
};

class ChatSocket final : public CountedSocket {
 public:
  ChatSocket(app::Services& services, std::string client_id)
      : CountedSocket(services.metrics, SocketKind::kChat),
        hub_(services.chat),
        client_id_(std::move(client_id)) {}

  void on_open(const std::shared_ptr<ws::Socket>& socket) override {
    opened();
    ticket_ = hub_.join(std::move(client_id_), socket);
  }
  void on_text(std::string_view text) override { hub_.receive(ticket_, text); }
  void on_close(ws::CloseReason reason) override {
    hub_.leave(ticket_);
    closed(reason);
  }

 private:
  realtime::ChatHub& hub_;
  std::string client_id_;
  realtime::ChatHub::Ticket ticket_ = 0;
};

// The device of the path, which must exist; the hub knows the devices it has watched, others
// are asked of device-session.
boost::asio::awaitable<std::int64_t> existing_device(Context& ctx) {
  const auto device_id = app::require_path_id(ctx, "device_id");
  if (!ctx.services.devices.knows(device_id)) {
    dspb::GetDeviceRequest request;
    request.set_device_id(device_id);
    auto reply = co_await ctx.services.backend.GetDevice(request, ctx.request_id());
    app::take(std::move(reply), "device_session.GetDevice");  // 404 "Device not found"
  }
  co_return device_id;
}

Awaitable device_feed(Context& ctx, realtime::Feed feed) {
  app::require_socket_token(ctx);
  const std::int64_t device_id = co_await existing_device(ctx);
  co_return server::Upgrade{{}, std::make_shared<DeviceSocket>(ctx.services, device_id, feed)};
}

Awaitable timeleft(Context& ctx) { return device_feed(ctx, realtime::Feed::kTimeleft); }
Awaitable status(Context& ctx) { return device_feed(ctx, realtime::Feed::kStatus); }

Awaitable chat(Context& ctx) {
  app::require_socket_token(ctx);
  std::string client_id(ctx.params.get("client_id").value_or(""));
  co_return server::Upgrade{{}, std::make_shared<ChatSocket>(ctx.services, std::move(client_id))};
}

}  // namespace

void add_socket_routes(app::SocketRoutes& routes) {
  routes.add("GET", "/device/ws/timeleft/{device_id}", timeleft);
  routes.add("GET", "/device/ws/status/{device_id}", status);
  routes.add("GET", "/api/v1/ws/{client_id}", chat);
}

}  // namespace fleet::gateway::surfaces
