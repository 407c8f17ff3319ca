// users-v1 chat (/api/v1/ws/{client_id}): one text frame from a client, through the real
// ChatHub with two members. Whatever the frame, the sender gets exactly one answer (echo or
// error), every message sent is JSON, and only a "chat" reaches the other member.
// Input: the frame's text.
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fleet/common/clock.h"
#include "fuzz_check.h"
#include "realtime/chat_hub.h"

namespace {

class RecordingSocket final : public fleet::gateway::ws::Socket {
 public:
  void send(std::shared_ptr<const std::string> text) override { sent.push_back(std::move(text)); }
  void close(fleet::gateway::ws::CloseCode) override { closed = true; }
  std::vector<std::shared_ptr<const std::string>> sent;
  bool closed = false;
};

boost::json::object as_json_object(const std::string& text) {
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  FUZZ_REQUIRE(!ec && parsed.is_object());
  return std::move(parsed.get_object());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view frame(reinterpret_cast<const char*>(data), size);
  static const fleet::ManualClock clock;
  fleet::gateway::realtime::ChatHub hub(clock);
  auto sender = std::make_shared<RecordingSocket>();
  auto other = std::make_shared<RecordingSocket>();
  const auto ticket = hub.join("alice", sender);
  hub.join("bob", other);

  hub.receive(ticket, frame);

  FUZZ_REQUIRE(!sender->closed && !other->closed);  // a bad frame keeps the socket open
  FUZZ_REQUIRE(sender->sent.size() == 1);
  const auto answer = as_json_object(*sender->sent.front());
  const bool echoed = answer.at("type") == "echo";
  FUZZ_REQUIRE(echoed || answer.at("type") == "error");
  FUZZ_REQUIRE(other->sent.size() <= 1);
  if (!other->sent.empty()) {
    FUZZ_REQUIRE(echoed);
    const auto chat = as_json_object(*other->sent.front());
    FUZZ_REQUIRE(chat.at("type") == "chat" && chat.at("client_id") == "alice");
  }
  return 0;
}
