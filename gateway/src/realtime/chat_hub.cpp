#include "realtime/chat_hub.h"

#include <boost/json/object.hpp>
#include <chrono>
#include <vector>

#include "http/json.h"
#include "render/time.h"

namespace fleet::gateway::realtime {
namespace json = boost::json;
namespace {

std::shared_ptr<const std::string> shared(const json::object& message) {
  return std::make_shared<const std::string>(http::dump(message));
}

std::shared_ptr<const std::string> error_message(std::string_view text) {
  return shared(json::object{{"type", "error"}, {"message", text}});
}

}  // namespace

ChatHub::Ticket ChatHub::join(std::string client_id, std::shared_ptr<ws::Socket> socket) {
  std::lock_guard lock(mutex_);
  const Ticket ticket = next_++;
  members_.emplace(ticket, Member{std::move(client_id), std::move(socket)});
  return ticket;
}

void ChatHub::leave(Ticket ticket) {
  std::lock_guard lock(mutex_);
  members_.erase(ticket);
}

std::size_t ChatHub::size() const {
  std::lock_guard lock(mutex_);
  return members_.size();
}

void ChatHub::receive(Ticket ticket, std::string_view text) {
  std::shared_ptr<ws::Socket> sender;
  std::string client_id;
  {
    std::lock_guard lock(mutex_);
    auto it = members_.find(ticket);
    if (it == members_.end()) return;
    sender = it->second.socket;
    client_id = it->second.client_id;
  }

  auto parsed = http::parse_json(text);
  if (!parsed.value) {
    sender->send(error_message("Invalid JSON"));
    return;
  }
  const auto* object = parsed.value->if_object();
  const json::value* message = object ? object->if_contains("message") : nullptr;
  if (message == nullptr || !message->is_string()) {
    sender->send(error_message("Message must be a JSON object with a string \"message\""));
    return;
  }
  sender->send(shared(json::object{
      {"client_id", client_id}, {"message", message->get_string()}, {"type", "echo"}}));

  const json::value* type = object->if_contains("type");
  if (type == nullptr || !type->is_string() || type->get_string() != "chat") return;
  const auto now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.now().time_since_epoch());
  const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
  auto chat = shared(json::object{
      {"client_id", client_id},
      {"message", message->get_string()},
      {"type", "chat"},
      {"timestamp", render::format_time(seconds.count(), 0, render::TimeStyle::kSecondsZ)}});
  send_to_members(chat, ticket);
  if (relay_) relay_(*chat);
}

void ChatHub::deliver_remote(std::string_view chat) {
  send_to_members(std::make_shared<const std::string>(chat), 0);
}

void ChatHub::send_to_members(const std::shared_ptr<const std::string>& chat, Ticket except) {
  std::vector<std::shared_ptr<ws::Socket>> members;
  {
    std::lock_guard lock(mutex_);
    members.reserve(members_.size());
    for (const auto& [id, member] : members_) {
      if (id != except) members.push_back(member.socket);
    }
  }
  for (const auto& socket : members) socket->send(chat);
}

}  // namespace fleet::gateway::realtime
