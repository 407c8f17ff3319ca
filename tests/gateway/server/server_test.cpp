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
  // A reply without a body whatever its Content-Length says (the answer to a HEAD).
  Reply read_head() {
    while (buffer_.find("\r\n\r\n") == std::string::npos && fill()) {
    }
    Reply reply;
    auto end = buffer_.find("\r\n\r\n");
    if (end == std::string::npos) return reply;
    reply.head = buffer_.substr(0, end + 2);
    buffer_.erase(0, end + 4);
    reply.status = std::stoi(reply.head.substr(9, 3));
    return reply;
  }
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

TEST_CASE("server: HEAD is GET without a body, the connection stays usable (issue 11 item 8)") {
  Running gateway;
  Connection c(gateway.port());
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto get = c.read();
  REQUIRE(get.status == 200);
  c.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto head = c.read_head();
  CHECK(head.status == 200);
  CHECK(head.header("Content-Length") == std::to_string(get.body.size()));
  CHECK(head.header("Content-Type") == get.header("Content-Type"));
  // No body was sent: the next answer on the connection starts right away.
  c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto again = c.read();
  CHECK(again.status == 200);
  CHECK(again.body == get.body);
}

TEST_CASE("server: an absolute-form target is routed by its path (issue 11 item 8)") {
  Running gateway;
  Connection c(gateway.port());
  c.send("GET http://localhost:8000/healthz HTTP/1.1\r\nHost: localhost:8000\r\n\r\n");
  const auto reply = c.read();
  CHECK(reply.status == 200);
  CHECK(reply.body == R"({"status":"ok"})");
  c.send("GET HTTPS://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
  CHECK(c.read().status == 404);  // "/" is no route, but it is routed, not refused
}

TEST_CASE("server: a Transfer-Encoding other than chunked is refused, then close (issue 11 item 8)") {
  Running gateway;
  {
    Connection c(gateway.port());
    c.send("POST /auth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
           "Content-Type: application/x-www-form-urlencoded\r\n\r\nusername=a&password=b");
    const auto reply = c.read();
    CHECK(reply.status == 400);
    CHECK(reply.body == R"({"detail":"Bad request"})");
    CHECK(c.closed());
  }
  {
    Connection c(gateway.port());
    c.send("POST /auth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n"
           "\r\n3\r\nabc\r\n0\r\n\r\n");
    const auto reply = c.read();
    CHECK(reply.status == 501);
    CHECK(reply.body == R"({"detail":"Transfer-Encoding not supported"})");
    CHECK(c.closed());
  }
}

TEST_CASE("server: a body shorter than its Content-Length is 408 in the surface body, then close "
          "(issue 11 item 8)") {
  Running gateway({.header_bytes = 8192,
                   .body_bytes = 1024,
                   .body_timeout = std::chrono::milliseconds(300)});
  const auto short_body = [&](const std::string& path) {
    Connection c(gateway.port());
    c.send("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
           "X-Request-Id: short-1\r\nContent-Length: 50\r\n\r\n{\"username\":");
    const auto started = std::chrono::steady_clock::now();
    auto reply = c.read();
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
    CHECK(reply.header("Connection") == "close");
    CHECK(reply.header("X-Request-Id") == "short-1");
    CHECK(c.closed());
    return reply;
  };
  auto pisync = short_body("/pisync/auth/register");
  CHECK(pisync.status == 408);
  CHECK(pisync.body == R"({"message":"Request timeout"})");
  auto streetlight = short_body("/api/auth/login");
  CHECK(streetlight.status == 408);
  CHECK(streetlight.body == R"({"status":408,"message":"Request timeout","data":null})");
  auto unknown = short_body("/nowhere");  // no surface of its own: the generic detail body
  CHECK(unknown.status == 408);
  CHECK(unknown.body == R"({"detail":"Request timeout"})");
}

TEST_CASE("server: Expect: 100-continue gets 100 Continue before the body is read (issue 11)") {
  Running gateway;
  testing::authpb::RegisterResponse registered;
  registered.set_access_token("tok-pi");
  gateway.canned.reply<testing::authpb::RegisterRequest>(registered);
  const std::string body = R"({"username":"pi","password":"pw"})";
  const std::string head =
      "POST /pisync/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n";
  {
    // As curl does: the head, then the body only after the interim answer.
    Connection c(gateway.port());
    c.send(head + "Expect: 100-continue\r\n\r\n");
    const auto interim = c.read_head();
    CHECK(interim.status == 100);
    c.send(body);
    const auto reply = c.read();
    CHECK(reply.status == 201);
    CHECK(reply.body == R"({"message":"User registered successfully.","token":"tok-pi"})");
    // The connection stays usable.
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(c.read().status == 200);
  }
  {
    // A client that does not wait sends the body at once: still one 100, then the answer.
    Connection c(gateway.port());
    c.send(head + "Expect: 100-Continue\r\n\r\n" + body);
    CHECK(c.read_head().status == 100);
    CHECK(c.read().status == 201);
  }
  {
    // HTTP/1.0 knows no interim answers: the expectation is ignored (RFC 9110 §10.1.1).
    Connection c(gateway.port());
    c.send("POST /pisync/auth/register HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n" + body);
    CHECK(c.read().status == 201);
  }
  {
    // No body: nothing to continue.
    Connection c(gateway.port());
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n");
    CHECK(c.read().status == 200);
  }
}

TEST_CASE("server: Expect: 100-continue over the body limit is 413 without 100, another "
          "expectation is 417 (issue 11)") {
  Running gateway;
  {
    Connection c(gateway.port());
    c.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
    const auto reply = c.read();
    CHECK(reply.status == 413);
    CHECK(reply.body == R"({"status":413,"message":"Request body too large","data":null})");
    CHECK(c.closed());
  }
  {
    Connection c(gateway.port());
    c.send("POST /pisync/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Content-Length: 2\r\nExpect: something-else\r\n\r\n");
    const auto reply = c.read();
    CHECK(reply.status == 417);
    CHECK(reply.body == R"({"message":"Expectation failed"})");
    CHECK(c.closed());
  }
}

TEST_CASE("server: a WebSocket handshake error is answered in the surface's error body "
          "(issue 11 item 5)") {
  Running gateway;
  const auto upgrade = [&](const std::string& path, const std::string& fields) {
    Connection c(gateway.port());
    c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
           fields + "\r\n");
    auto reply = c.read();
    CHECK(reply.header("Content-Type") == "application/json");
    CHECK(c.closed());
    return reply;
  };
  const std::string key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
  // RFC 6455 §4.4: an unsupported version is 426 naming the one the server speaks.
  auto version = upgrade("/device/ws/status/1", key + "Sec-WebSocket-Version: 8\r\n");
  CHECK(version.status == 426);
  CHECK(version.header("Sec-WebSocket-Version") == "13");
  CHECK(version.body == R"({"detail":"Unsupported WebSocket version"})");
  auto streetlight = upgrade("/api/lights/ws", key + "Sec-WebSocket-Version: 14\r\n");
  CHECK(streetlight.status == 426);
  CHECK(streetlight.body ==
        R"({"status":426,"message":"Unsupported WebSocket version","data":null})");
  auto no_key = upgrade("/api/v1/ws/someone", "Sec-WebSocket-Version: 13\r\n");
  CHECK(no_key.status == 400);
  CHECK(no_key.body == R"({"detail":"Missing or invalid Sec-WebSocket-Key header"})");
  auto no_version = upgrade("/pisync/ws", key);
  CHECK(no_version.status == 400);
  CHECK(no_version.body == R"({"message":"Missing Sec-WebSocket-Version header"})");
}
