#pragma once
// The gateway's dispatcher with the in-memory fake services and four accounts (admin, operator,
// alice, bob); each call runs the handler to completion on a fresh io_context.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "app/gateway.h"
#include "app/metrics.h"
#include "auth/key_store.h"
#include "fake_backend.h"
#include "realtime/chat_hub.h"
#include "realtime/device_hub.h"

namespace fleet::gateway::testing {

struct Harness {
  using Account = upstream::userpb::Account;
  fleet::SystemClock clock;
  FakeBackend backend{clock};
  upstream::Upstream upstream{backend, &backend};
  auth::KeyStore keys{"fleetgate", clock};
  app::Metrics metrics;
  boost::asio::io_context hub_ioc;  // never run: these tests open no socket
  realtime::DeviceHub devices{hub_ioc, upstream, clock, metrics};
  realtime::ChatHub chat{clock};
  app::Gateway gateway{app::Services{upstream, keys, metrics, devices, chat}};
  Account admin, op, alice, bob;

  Harness() {
    keys.install(backend.public_key_pem());
    admin = backend.add(upstream::userpb::ROLE_ADMIN, "admin", "admin-pw", "admin@example.com",
                        "0000000000");
    op =
        backend.add(upstream::userpb::ROLE_OPERATOR, "op", "op-pw", "op@example.com", "1111111111");
    alice = backend.add(upstream::userpb::ROLE_USER, "alice", "alice-pw", "alice@example.com",
                        "2222222222");
    bob =
        backend.add(upstream::userpb::ROLE_USER, "bob", "bob-pw", "bob@example.com", "3333333333");
  }

  http::Response call(std::string method, std::string target, std::string body = {},
                      std::vector<http::Header> headers = {}) {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    http::split_target(request.target, request.path, request.query);
    request.headers = std::move(headers);
    if (!body.empty() && !request.has_header("Content-Type")) {
      request.headers.emplace_back("Content-Type", "application/json");
    }
    request.body = std::move(body);
    request.request_id = "test-request";
    boost::asio::io_context ioc;
    auto future =
        boost::asio::co_spawn(ioc, gateway.handle(std::move(request)), boost::asio::use_future);
    ioc.run();
    return future.get();
  }

  http::Response as(const Account& who, std::string method, std::string target,
                    std::string body = {}, std::vector<http::Header> headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + backend.token_for(who));
    return call(std::move(method), std::move(target), std::move(body), std::move(headers));
  }

  // A WebSocket upgrade request through the dispatcher (GET).
  server::Upgrade upgrade(std::string target, std::vector<http::Header> headers = {}) {
    http::Request request;
    request.method = "GET";
    request.target = std::move(target);
    http::split_target(request.target, request.path, request.query);
    request.headers = std::move(headers);
    request.request_id = "test-upgrade";
    boost::asio::io_context ioc;
    auto future =
        boost::asio::co_spawn(ioc, gateway.upgrade(std::move(request)), boost::asio::use_future);
    ioc.run();
    return future.get();
  }
};

}  // namespace fleet::gateway::testing
