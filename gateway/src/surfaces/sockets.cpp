// The WebSocket rows. The handshake is refused with an HTTP answer in the surface's body: 401
// without a valid token (Authorization: Bearer or ?token=) or for an account that is gone, 422
// for a device id that is not an integer, 404 for an unknown device. The token is checked at
// the handshake; after it the socket registry (realtime/socket_registry.h) closes the socket
// with 1008 at the token's exp or when its account is deleted or deactivated.
//   /device/ws/timeleft/{device_id}, /device/ws/status/{device_id}  the device hub's feeds
//   /api/v1/ws/{client_id}                                           the chat hub
#include "app/metrics.h"
#include "endpoint/call.h"
#include "realtime/chat_hub.h"
#include "realtime/device_hub.h"
#include "realtime/socket_registry.h"
#include "surfaces/routes.h"
#include "surfaces/row.h"

namespace fleet::gateway::surfaces {
namespace {

using app::SocketKind;
using Accepted = boost::asio::awaitable<server::Upgrade>;

// Counts the socket while it is open, and a drop for a slow client; registers it under its
// account and token exp while it is open.
class CountedSocket : public ws::Handler {
 public:
  CountedSocket(const Call& call, SocketKind kind)
      : metrics_(call.ctx.services.metrics),
        registry_(call.ctx.services.sockets),
        kind_(kind),
        user_id_(call.me().id()),
        expires_at_(call.token_expires_at) {}

 protected:
  void opened(const std::shared_ptr<ws::Socket>& socket) {
    metrics_.socket_opened(kind_);
    if (registry_ == nullptr) return;
    ticket_ = registry_->add(user_id_, expires_at_, socket);
    // Full, or the token expired during the handshake.
    if (!ticket_) socket->close(ws::CloseCode::kPolicyViolation);
  }
  void closed(ws::CloseReason reason) {
    if (registry_ != nullptr && ticket_) registry_->remove(user_id_, *ticket_);
    metrics_.socket_closed(kind_);
    if (reason == ws::CloseReason::kSlow) metrics_.socket_dropped_slow();
  }

 private:
  app::Metrics& metrics_;
  realtime::SocketRegistry* registry_;
  SocketKind kind_;
  std::int64_t user_id_;
  std::chrono::system_clock::time_point expires_at_;
  std::optional<realtime::SocketRegistry::Ticket> ticket_;
};

class DeviceSocket final : public CountedSocket {
 public:
  DeviceSocket(const Call& call, std::int64_t device_id, realtime::Feed feed)
      : CountedSocket(
            call, feed == realtime::Feed::kTimeleft ? SocketKind::kTimeleft : SocketKind::kStatus),
        hub_(call.ctx.services.devices),
        device_id_(device_id),
        feed_(feed) {}

  std::size_t read_limit() const override { return 1024; }  // clients have nothing to say here
  void on_open(const std::shared_ptr<ws::Socket>& socket) override {
    ticket_ = hub_.subscribe(device_id_, feed_, socket);
    opened(socket);
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
  ChatSocket(const Call& call, std::string client_id)
      : CountedSocket(call, SocketKind::kChat),
        hub_(call.ctx.services.chat),
        client_id_(std::move(client_id)) {}

  void on_open(const std::shared_ptr<ws::Socket>& socket) override {
    ticket_ = hub_.join(std::move(client_id_), socket);
    opened(socket);
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
// are asked of device-session (404 "Device not found").
boost::asio::awaitable<std::int64_t> existing_device(Call& call) {
  const auto device_id = call.path_int("device_id");
  if (!call.ctx.services.devices.knows(device_id)) {
    dspb::GetDeviceRequest request;
    request.set_device_id(device_id);
    co_await call.rpc(&DeviceSessionRpc::GetDevice, request);
  }
  co_return device_id;
}

Accepted device_feed(Call& call, realtime::Feed feed) {
  const std::int64_t device_id = co_await existing_device(call);
  co_return server::Upgrade{{}, std::make_shared<DeviceSocket>(call, device_id, feed)};
}

Accepted timeleft(Call& call) { return device_feed(call, realtime::Feed::kTimeleft); }
Accepted status(Call& call) { return device_feed(call, realtime::Feed::kStatus); }

Accepted chat(Call& call) {
  std::string client_id(call.ctx.params.get("client_id").value_or(""));
  co_return server::Upgrade{{}, std::make_shared<ChatSocket>(call, std::move(client_id))};
}

constexpr validation::Field kDeviceId[] = {
    {.name = "device_id", .type = validation::Type::kInt, .required = true}};

constexpr endpoint::Endpoint kRows[] = {
    {.method = "GET",
     .path = "/device/ws/timeleft/{device_id}",
     .surface = Surface::kRental,
     .summary = "WebSocket: the countdown, every second and at once on start or stop",
     .access = endpoint::kAnyToken,
     .path_params = kDeviceId,
     .accept = timeleft},
    {.method = "GET",
     .path = "/device/ws/status/{device_id}",
     .surface = Surface::kRental,
     .summary = "WebSocket: running or idle, on every change",
     .access = endpoint::kAnyToken,
     .path_params = kDeviceId,
     .accept = status},
    {.method = "GET",
     .path = "/api/v1/ws/{client_id}",
     .surface = Surface::kUsersV1,
     .summary = "WebSocket: echo, and chat to every other client",
     .access = endpoint::kAnyToken,
     .accept = chat},
};

}  // namespace

endpoint::Table socket_rows() { return kRows; }

}  // namespace fleet::gateway::surfaces
