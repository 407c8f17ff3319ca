#pragma once
// users-v1's /api/v1/ws/{client_id}: every connected client of this gateway process. A JSON text
// with a string "message" is echoed to its sender; with "type":"chat" it also goes to every
// other client, built once and shared by all their queues. Anything else gets an error message
// and the socket stays open. Thread-safe.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fleet/common/clock.h"
#include "server/websocket.h"

namespace fleet::gateway::realtime {

class ChatHub {
 public:
  using Ticket = std::uint64_t;

  explicit ChatHub(const Clock& clock) : clock_(clock) {}

  Ticket join(std::string client_id, std::shared_ptr<ws::Socket> socket);
  void leave(Ticket ticket);
  // One text frame from the member `ticket`.
  void receive(Ticket ticket, std::string_view text);
  std::size_t size() const;

 private:
  struct Member {
    std::string client_id;
    std::shared_ptr<ws::Socket> socket;
  };
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::unordered_map<Ticket, Member> members_;
  Ticket next_ = 1;
};

}  // namespace fleet::gateway::realtime
