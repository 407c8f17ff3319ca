#pragma once
// An awaitable over one gRPC callback-API unary call:
//   auto call = unary_call<GetUserResponse>(
//       [stub](auto* ctx, auto* req, auto* resp, auto done) { stub->async()->GetUser(ctx, req,
//       resp, done); }, request, options);
//   auto reply = co_await std::move(call);
// The ClientContext, request and response live in a shared state until gRPC's callback has run.
// That callback runs on a gRPC thread, so it only posts the completion back to the awaiting
// coroutine's executor (the connection's strand); nothing else is touched there. No io thread
// ever blocks on a call.
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fleet/common/logging.h"

namespace fleet::gateway::upstream {

using Metadata = std::vector<std::pair<std::string, std::string>>;

template <typename T>
struct Reply {
  grpc::Status status;
  T message;
  Metadata trailers;  // the server's trailing metadata (empty for most calls)
  bool ok() const { return status.ok(); }
  std::string_view trailer(std::string_view name) const {
    for (const auto& [key, value] : trailers) {
      if (key == name) return value;
    }
    return {};
  }
};

struct CallOptions {
  std::chrono::milliseconds timeout{5000};
  std::string request_id;  // sent as x-request-id metadata
  Metadata metadata;       // further metadata (lower-case keys)
};

// Counts calls whose gRPC callback has not run yet, so that shutdown can wait for them before
// the io_context they post to is destroyed.
class InFlight {
 public:
  void begin() {
    std::lock_guard lock(mutex_);
    ++count_;
  }
  void end() {
    std::lock_guard lock(mutex_);
    if (--count_ == 0) idle_.notify_all();
  }
  // True if every call finished within `timeout`.
  bool wait_idle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return count_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable idle_;
  long count_ = 0;
};

template <typename Response, typename Request, typename Start>
boost::asio::awaitable<Reply<Response>> unary_call(Start start, Request request,
                                                   CallOptions options,
                                                   InFlight* in_flight = nullptr) {
  struct State {
    grpc::ClientContext context;
    Request request;
    Response response;
  };
  auto state = std::make_shared<State>();
  state->request = std::move(request);
  state->context.set_deadline(std::chrono::system_clock::now() + options.timeout);
  if (!options.request_id.empty()) {
    state->context.AddMetadata(std::string(fleet::log::kRequestIdKey), options.request_id);
  }
  for (auto& [key, value] : options.metadata) state->context.AddMetadata(key, value);

  auto initiation = [start = std::move(start), state, in_flight](auto handler) mutable {
    using Handler = decltype(handler);
    // gRPC wants a copyable std::function; the completion handler is move-only.
    struct Pending {
      Handler handler;
      boost::asio::executor_work_guard<boost::asio::associated_executor_t<Handler>> work;
    };
    auto executor = boost::asio::get_associated_executor(handler);
    auto pending = std::make_shared<Pending>(
        Pending{std::move(handler), boost::asio::make_work_guard(executor)});
    if (in_flight) in_flight->begin();
    start(&state->context, &state->request, &state->response,
          [pending, state, in_flight](grpc::Status result) {
            auto executor = pending->work.get_executor();
            boost::asio::post(executor, [pending, result = std::move(result)]() mutable {
              pending->work.reset();
              std::move(pending->handler)(std::move(result));
            });
            if (in_flight) in_flight->end();
          });
  };
  // Named, not a temporary inside the co_await expression (see upstream.h on g++ 12).
  auto completion =
      boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(grpc::Status)>(
          std::move(initiation), boost::asio::use_awaitable);
  grpc::Status status = co_await std::move(completion);
  // The call is complete: its trailing metadata is stable now.
  Metadata trailers;
  for (const auto& [key, value] : state->context.GetServerTrailingMetadata()) {
    trailers.emplace_back(std::string(key.data(), key.size()),
                          std::string(value.data(), value.size()));
  }
  co_return Reply<Response>{std::move(status), std::move(state->response), std::move(trailers)};
}

}  // namespace fleet::gateway::upstream
