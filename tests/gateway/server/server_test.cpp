// The Beast server on a real socket (port 0), with the dispatcher over canned upstream replies.
#include "server/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "support/running_gateway.h"

using namespace fleet::gateway;

namespace {

using testing::Running;

class Connection {
 public:
  explicit Connection(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Connection() { ::close(fd_); }

  void send(const std::string& data) {
    REQUIRE(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(data.size()));
  }

  // One response: the head (status line and fields) and the body by Content-Length.
  struct Reply {
    int status = 0;
    std::string head;
    std::string body;
    std::string header(const std::string& name) const {
      auto at = head.find("\r\n" + name + ": ");
      if (at == std::string::npos) return {};
      auto start = at + name.size() + 4;
      return head.substr(start, head.find("\r\n", start) - start);
    }
  };
  Reply read() {
    while (buffer_.find("\r\n\r\n") == std::string::npos && fill()) {
    }
    Reply reply;
    auto end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return reply;
    reply.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    reply.status = std::stoi(reply.head.substr(9, 3));
    auto length =
        std::stoul(reply.header("Content-Length").empty() ? "0" : reply.header("Content-Length"));
    while (buffer_.size() < length && fill()) {
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }
  // True once the server has closed the connection (after any buffered bytes).
  bool closed() { return buffer_.empty() && !fill(); }

 private:
  bool fill() {
    char chunk[4096];
    auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  int fd_;
  std::string buffer_;
};

}  // namespace

TEST_CASE("server: keep-alive, request ids, surfaces") {
  Running gateway;
  Connection c(gateway.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: client.id-1\r\n\r\n");
  auto first = c.read();
  CHECK(first.status == 200);
  CHECK(first.body == R"({"status":"ok"})");
  CHECK(first.header("X-Request-Id") == "client.id-1");
  CHECK(first.header("Content-Type") == "application/json");

  c.send("GET /pisync/nowhere HTTP/1.1\r\nHost: x\r\nX-Request-Id: not ok!\r\n\r\n");
  auto second = c.read();
  CHECK(second.status == 404);
  CHECK(second.body == R"({"message":"Route not found"})");
  CHECK(second.header("X-Request-Id").size() == 32);

  // Two requests in one write (pipelining) are answered in order.
  c.send(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n");
  CHECK(c.read().status == 200);
  auto last = c.read();
  CHECK(last.status == 404);
  CHECK(last.body == R"({"detail":"Not Found"})");
  CHECK(c.closed());
}

TEST_CASE("server: a JSON body reaches the handler") {
  Running gateway;
  testing::authpb::RegisterResponse registered;
  registered.set_access_token("tok-pi");
  gateway.canned.reply<testing::authpb::RegisterRequest>(registered);
  Connection c(gateway.port());
  std::string body = R"({"username":"pi","password":"pw"})";
  c.send(
      "POST /pisync/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  auto reply = c.read();
  CHECK(reply.status == 201);
  CHECK(reply.body == R"({"message":"User registered successfully.","token":"tok-pi"})");
  auto sent = gateway.canned.last<testing::authpb::RegisterRequest>();
  CHECK(sent.account().username() == "pi");
  CHECK(sent.password() == "pw");
}

TEST_CASE("server: body over the limit is 413 in the surface body, then close") {
  Running gateway;
  Connection c(gateway.port());
  c.send(
      "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/json\r\nContent-Length: 5000\r\n"
      "X-Request-Id: big-1\r\n\r\n" +
      std::string(100, 'x'));
  auto reply = c.read();
  CHECK(reply.status == 413);
  CHECK(reply.body == R"({"status":413,"message":"Request body too large","data":null})");
  CHECK(reply.header("X-Request-Id") == "big-1");
  CHECK(reply.header("Connection") == "close");
}

TEST_CASE("server: oversized header 431, malformed request 400") {
  Running gateway;
  {
    Connection c(gateway.port());
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n");
    CHECK(c.read().status == 431);
  }
  {
    Connection c(gateway.port());
    c.send("NOT A REQUEST\r\n\r\n");
    auto reply = c.read();
    CHECK(reply.status == 400);
    CHECK_FALSE(reply.header("X-Request-Id").empty());
  }
}
