#pragma once
// Internal to the server: hands an accepted upgrade request's socket to a WebSocket session
// (server/websocket.cpp). Only server.cpp and websocket.cpp include this (Beast types).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "server/websocket.h"

namespace fleet::gateway::server {

struct SocketLimits {
  std::size_t queue_messages = 64;  // a full send queue drops the client as too slow
  int send_buffer_bytes = 0;        // SO_SNDBUF of the socket; 0 keeps the system's default
  std::chrono::milliseconds idle_timeout{30'000};  // a ping at half, closed at all of it
};

// Completes the WebSocket handshake for `request` on `socket` and runs `handler` on it. The
// socket's executor (a strand) serializes everything the session does.
void run_websocket(boost::asio::ip::tcp::socket socket,
                   boost::beast::http::request<boost::beast::http::string_body> request,
                   std::shared_ptr<ws::Handler> handler, std::string request_id,
                   SocketLimits limits);

}  // namespace fleet::gateway::server
