#pragma once
// users-v1's /api/v1/ws/{client_id}: every connected client of this gateway process. A JSON text
// with a string "message" is echoed to its sender; with "type":"chat" it also goes to every
// other client, built once and shared by all their queues. Anything else gets an error message
// and the socket stays open. Thread-safe.
//
// With several gateways (NATS_URL), each chat message also goes to the relay, which hands it to
// the other gateways' hubs (deliver_remote): every client of every gateway gets it once.
#include <cstdint>
#include <functional>
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
  // Where this gateway's chat messages go for the others; set before serving. Empty: none.
  void set_relay(std::function<void(const std::string& chat)> relay) { relay_ = std::move(relay); }
  // A chat message another gateway's client sent, as that gateway rendered it: to every member.
  void deliver_remote(std::string_view chat);
  std::size_t size() const;

 private:
  struct Member {
    std::string client_id;
    std::shared_ptr<ws::Socket> socket;
  };
  void send_to_members(const std::shared_ptr<const std::string>& chat, Ticket except);

  const Clock& clock_;
  std::function<void(const std::string&)> relay_;
  mutable std::mutex mutex_;
  std::unordered_map<Ticket, Member> members_;
  Ticket next_ = 1;
};

}  // namespace fleet::gateway::realtime
