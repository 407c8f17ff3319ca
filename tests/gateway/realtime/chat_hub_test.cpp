// users-v1 chat: echo to the sender, broadcast of "chat" to the others, errors keep the socket.
#include "realtime/chat_hub.h"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "support/fake_socket.h"

using namespace fleet::gateway;
using testing::FakeSocket;
namespace json = boost::json;

TEST_CASE("chat hub: echo, broadcast and errors") {
  fleet::ManualClock clock(fleet::Clock::time_point(std::chrono::seconds(1736503200)));
  realtime::ChatHub hub(clock);
  auto alice = std::make_shared<FakeSocket>();
  auto bob = std::make_shared<FakeSocket>();
  auto carol = std::make_shared<FakeSocket>();
  auto a = hub.join("alice", alice);
  auto b = hub.join("bob", bob);
  auto c = hub.join("carol", carol);
  CHECK(hub.size() == 3);

  hub.receive(a, R"({"message":"hi"})");
  CHECK(alice->last() == R"({"client_id":"alice","message":"hi","type":"echo"})");
  CHECK(bob->count() == 0);

  hub.receive(b, R"({"type":"chat","message":"Hello!"})");
  CHECK(bob->last() == R"({"client_id":"bob","message":"Hello!","type":"echo"})");
  const auto broadcast =
      R"({"client_id":"bob","message":"Hello!","type":"chat","timestamp":"2025-01-10T10:00:00Z"})";
  CHECK(alice->last() == broadcast);
  CHECK(carol->last() == broadcast);
  // Built once, shared by every queue.
  CHECK(alice->shared().back() == carol->shared().back());
  CHECK(bob->count() == 1);

  hub.receive(c, "not json");
  auto error = json::parse(carol->last());
  CHECK(error.at("type") == "error");
  CHECK(error.at("message").is_string());
  hub.receive(c, R"({"type":"chat"})");
  CHECK(json::parse(carol->last()).at("type") == "error");
  hub.receive(c, R"({"message":5})");
  CHECK(json::parse(carol->last()).at("type") == "error");
  hub.receive(c, R"(["message"])");
  CHECK(json::parse(carol->last()).at("type") == "error");
  CHECK(alice->count() == 2);  // errors go to the sender only

  hub.leave(b);
  hub.receive(a, R"({"type":"chat","message":"bye"})");
  CHECK(bob->count() == 1);
  CHECK(json::parse(carol->last()).at("message") == "bye");
  hub.receive(b, R"({"message":"gone"})");  // a member that left is ignored
  CHECK(bob->count() == 1);
}
