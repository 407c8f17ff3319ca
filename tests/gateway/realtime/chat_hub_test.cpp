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

TEST_CASE("chat hub: chat goes to the relay for the other gateways, and theirs to every member") {
  fleet::ManualClock clock(fleet::Clock::time_point(std::chrono::seconds(1736503200)));
  realtime::ChatHub hub(clock);
  std::vector<std::string> relayed;
  hub.set_relay([&](const std::string& chat) { relayed.push_back(chat); });
  auto alice = std::make_shared<FakeSocket>();
  auto bob = std::make_shared<FakeSocket>();
  auto a = hub.join("alice", alice);
  hub.join("bob", bob);

  hub.receive(a, R"({"message":"just an echo"})");
  CHECK(relayed.empty());
  hub.receive(a, R"({"type":"chat","message":"Hello!"})");
  REQUIRE(relayed.size() == 1);
  CHECK(relayed[0] ==
        R"({"client_id":"alice","message":"Hello!","type":"chat","timestamp":"2025-01-10T10:00:00Z"})");
  CHECK(bob->last() == relayed[0]);

  // Another gateway's client: every member here gets it as it was rendered there, once, and it
  // is not relayed again.
  const std::string remote =
      R"({"client_id":"zed","message":"from afar","type":"chat","timestamp":"2025-01-10T10:00:01Z"})";
  const auto alice_before = alice->count();
  const auto bob_before = bob->count();
  hub.deliver_remote(remote);
  CHECK(alice->last() == remote);
  CHECK(bob->last() == remote);
  CHECK(alice->count() == alice_before + 1);
  CHECK(bob->count() == bob_before + 1);
  CHECK(relayed.size() == 1);
}
