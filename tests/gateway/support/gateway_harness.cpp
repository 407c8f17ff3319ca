#include "support/gateway_harness.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/url.h"
#include "support/run.h"

namespace fleet::gateway::testing {
namespace {

http::Request request_of(std::string method, std::string target, Harness::Headers headers,
                         std::string request_id) {
  http::Request request;
  request.method = std::move(method);
  request.target = std::move(target);
  http::split_target(request.target, request.path, request.query);
  request.headers = std::move(headers);
  request.request_id = std::move(request_id);
  return request;
}

}  // namespace

Harness::Harness(bool install_key, app::CorsPolicies cors, app::RateLimiter* limiter)
    : gateway(services(), std::move(cors), limiter),
      admin(make_account(1, userpb::ROLE_ADMIN, "admin", "admin@example.com", "0000000000")),
      op(make_account(2, userpb::ROLE_OPERATOR, "op", "op@example.com", "1111111111")),
      alice(make_account(3, userpb::ROLE_USER, "alice", "alice@example.com", "2222222222")),
      bob(make_account(4, userpb::ROLE_USER, "bob", "bob@example.com", "3333333333")) {
  if (install_key) keys.install(signer.public_key_pem());
  for (const auto* account : {&admin, &op, &alice, &bob}) accounts.put(*account);
}

http::Response Harness::call(std::string method, std::string target, std::string body,
                             Headers headers) {
  auto request =
      request_of(std::move(method), std::move(target), std::move(headers), "test-request");
  if (!body.empty() && !request.has_header("Content-Type")) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.body = std::move(body);
  return run_to_end(gateway.handle(std::move(request)));
}

http::Response Harness::as(const Account& who, std::string method, std::string target,
                           std::string body, Headers headers) {
  headers.emplace_back("Authorization", "Bearer " + token_for(who));
  return call(std::move(method), std::move(target), std::move(body), std::move(headers));
}

server::Upgrade Harness::upgrade(std::string target, Headers headers) {
  return run_to_end(
      gateway.upgrade(request_of("GET", std::move(target), std::move(headers), "test-upgrade")));
}

boost::json::value body_of(const http::Response& response) {
  return boost::json::parse(response.body);
}

std::string issue_of(const http::Response& response, std::size_t i) {
  return boost::json::serialize(body_of(response).at("detail").at(i));
}

}  // namespace fleet::gateway::testing
