#pragma once
// The application's view of a WebSocket, without Beast (server/websocket.cpp holds the Beast
// side). The server accepts an upgrade the application approved, then drives the Handler on the
// socket's strand; the application sends through the Socket from any thread.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace fleet::gateway::ws {

// The close frame's status code (RFC 6455 7.4.1).
enum class CloseCode : std::uint16_t {
  kNormal = 1000,
  kGoingAway = 1001,        // the gateway is shutting down
  kPolicyViolation = 1008,  // the token expired, the account is gone or inactive, or the
                            // client read too slowly (its send queue overflowed)
};

class Socket {
 public:
  virtual ~Socket() = default;
  // Thread-safe. Queues one text message. The queue is bounded: when it is full the client is
  // too slow and the socket is closed with 1008 "Client too slow" (on_close(kSlow)), never
  // buffered without limit.
  virtual void send(std::shared_ptr<const std::string> text) = 0;
  // Thread-safe. Closes with a close frame of `code` (on_close(kServer)).
  virtual void close(CloseCode code = CloseCode::kNormal) = 0;
};

enum class CloseReason {
  kPeer,    // the client closed or went away
  kError,   // a protocol or network error
  kSlow,    // the send queue overflowed
  kServer,  // close() was called
};

class Handler {
 public:
  virtual ~Handler() = default;
  // Largest message accepted from the client; a larger one closes the socket.
  virtual std::size_t read_limit() const { return 4096; }
  // On the socket's strand: on_open once, on_text per message, on_close once after on_open.
  // After on_close the server drops its reference to the handler.
  virtual void on_open(const std::shared_ptr<Socket>& socket) = 0;
  virtual void on_text(std::string_view text) = 0;
  virtual void on_close(CloseReason reason) = 0;
};

}  // namespace fleet::gateway::ws
