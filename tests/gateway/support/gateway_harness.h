#pragma once
// The gateway's dispatcher over canned upstream replies, with four accounts that GetUser knows
// (admin 1, op 2, alice 3, bob 4) and tokens for them; each call runs the handler to completion
// on a fresh io_context. Replies other than GetUser are the test's own (see canned_upstream.h).
#include <boost/asio/io_context.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "app/gateway.h"
#include "cache/response_cache.h"
#include "readmodel/accounts.h"
#include "readmodel/devices.h"
#include "realtime/chat_hub.h"
#include "realtime/device_hub.h"
#include "realtime/socket_registry.h"
#include "support/canned_services.h"

namespace fleet::gateway::testing {

class Harness : public CannedServices {
 public:
  using Account = userpb::Account;
  using Headers = std::vector<http::Header>;

  // Without `install_key`, the token key is not loaded (as before auth answered GetPublicKey).
  explicit Harness(bool install_key = true, app::CorsPolicies cors = {},
                   app::RateLimiter* limiter = nullptr);

  http::Response call(std::string method, std::string target, std::string body = {},
                      Headers headers = {});
  http::Response as(const Account& who, std::string method, std::string target,
                    std::string body = {}, Headers headers = {});
  // A WebSocket upgrade request through the dispatcher (GET).
  server::Upgrade upgrade(std::string target, Headers headers = {});

  std::string token_for(const Account& who) const { return signer.token_for(who); }
  app::Services services() {
    return app::Services{upstream,       keys,     metrics,   devices,   chat, &device_model,
                         &account_model, &sockets, &responses};
  }

  boost::asio::io_context hub_ioc;  // never run: these tests open no socket
  realtime::DeviceHub devices{hub_ioc, upstream, clock, metrics};
  realtime::ChatHub chat{clock};
  // Not current unless a test feeds it (readmodel/device_model_test.cpp): reads go upstream.
  readmodel::DeviceModel device_model{clock, metrics};
  // The services with change feeds; no feed is live unless a test opens it
  // (cache/change_feed_test.cpp): cacheable reads go upstream.
  static constexpr std::string_view kFeedServices[] = {"repair-shop", "streetlight", "sync"};
  cache::ResponseCache responses{kFeedServices, {}};
  // Every socket a test opens (FakeSocket through on_open) registers here.
  realtime::SocketRegistry sockets{clock, metrics};
  // Not current unless a test feeds it (readmodel/account_feed_test.cpp): GetUser as before.
  readmodel::AccountModel account_model{
      metrics, [this](std::int64_t user_id) { sockets.close_account(user_id); }};
  app::Gateway gateway{services()};
  const Account admin, op, alice, bob;
};

// The response body as JSON, and the i-th issue of a 422 body serialized.
boost::json::value body_of(const http::Response& response);
std::string issue_of(const http::Response& response, std::size_t i = 0);

}  // namespace fleet::gateway::testing
