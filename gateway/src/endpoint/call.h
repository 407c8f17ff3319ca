#pragma once
// What a row's translation gets: the validated path, query and body, the acting account, and
// typed upstream calls. A failed call throws UpstreamFailure, which the pipeline turns into the
// row's error rules; the translation only maps request to proto and proto to response.
#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "app/context.h"
#include "endpoint/endpoint.h"
#include "upstream/upstream.h"

namespace fleet::gateway::endpoint {

namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
namespace dspb = upstream::dspb;
namespace repairpb = upstream::repairpb;
using upstream::AuthRpc;
using upstream::DeviceSessionRpc;
using upstream::RepairShopRpc;
using upstream::UserRpc;

// A failed upstream call, for the row's error rules. `call` names the RPC for the log.
class UpstreamFailure : public std::runtime_error {
 public:
  UpstreamFailure(grpc::Status status, std::string call)
      : std::runtime_error(call + " failed"), status_(std::move(status)), call_(std::move(call)) {}
  const grpc::Status& status() const { return status_; }
  const std::string& call() const { return call_; }

 private:
  grpc::Status status_;
  std::string call_;
};

class Call {
 public:
  Call(const Endpoint& row, app::Context& ctx) : row(row), ctx(ctx) {}

  const Endpoint& row;
  app::Context& ctx;
  validation::Values path;
  validation::Values query;
  validation::Values body;
  std::optional<userpb::Account> principal;  // every row but a public one
  // The token's exp (every row but a public one): a socket closes then.
  std::chrono::system_clock::time_point token_expires_at{};
  std::optional<std::string> idempotency_key;

  const userpb::Account& me() const { return *principal; }
  std::int64_t path_int(std::string_view name) const { return *path.integer(name); }
  const std::string& request_id() const { return ctx.request_id(); }
  upstream::Upstream& upstream() const { return ctx.services.upstream; }

  // The caller that keys are stored under: the account's id, or "anonymous" for a call without
  // a token (self-registration: the fingerprint tells different requests apart).
  std::string caller() const;

  // One upstream call; throws UpstreamFailure unless it succeeds.
  template <typename Async, typename Request, typename Response>
  boost::asio::awaitable<Response> rpc(upstream::Method<Async, Request, Response> method,
                                       const Request& request) {
    auto reply = co_await upstream().call(method, request, request_id());
    note_changes(upstream::Binding<Async>::name, reply.trailers);
    if (!reply.ok()) throw UpstreamFailure(std::move(reply.status), Request::descriptor()->name());
    co_return std::move(reply.message);
  }

  // The same, returning the failure too, for a translation that handles some itself.
  template <typename Async, typename Request, typename Response>
  upstream::Call<Response> try_rpc(upstream::Method<Async, Request, Response> method,
                                   const Request& request) {
    return upstream().call(method, request, request_id());
  }

  // The row's effect: forwards X-Idempotency-Key (with the request's fingerprint and the
  // caller) and reads the service's verdict: a replay marks the response, a key reused for
  // another request is 422 and one still in flight 409.
  template <typename Async, typename Request, typename Response>
  boost::asio::awaitable<Response> effect(upstream::Method<Async, Request, Response> method,
                                          const Request& request) {
    const auto metadata = upstream::idempotency_metadata(idempotency());
    auto reply = co_await upstream().call(method, request, request_id(), metadata);
    check_idempotency(reply.status, reply.trailers);
    note_changes(upstream::Binding<Async>::name, reply.trailers);
    if (!reply.ok()) throw UpstreamFailure(std::move(reply.status), Request::descriptor()->name());
    co_return std::move(reply.message);
  }

  // The response with the row's success status.
  http::Response json(const boost::json::value& body) const;
  http::Response raw_json(std::string body) const;  // already serialized (render::JsonWriter)
  http::Response no_content() const;

  [[noreturn]] void forbid() const;
  [[noreturn]] void fail(int status, std::string text) const;

  bool replayed = false;  // set by effect(): the response is the stored first one

 private:
  upstream::Idempotency idempotency() const;
  // A write reply's x-change-version (libs/changes): answers kept of that topic are stale now,
  // so the caller's next read goes upstream and sees this write.
  void note_changes(std::string_view service, const upstream::Metadata& trailers) const;
  void check_idempotency(const grpc::Status& status, const upstream::Metadata& trailers);
};

}  // namespace fleet::gateway::endpoint
