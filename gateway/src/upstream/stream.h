#pragma once
// Server-streaming calls, generically: one typed open per stub method, as Upstream::call does
// for unary ones.
//
//   auto watch = upstream.stream(&UserRpc::WatchAccounts, request,
//                                StreamCallbacks<userpb::AccountEvent>{on_event, on_done});
//
// The callbacks run on gRPC threads: on_event for each message in order, then on_done exactly
// once, after which neither runs again. The returned Watch cancels the stream at any time.
// Tests answer streams with a StreamInterceptor, which sees the request and pushes serialized
// events, so no network is needed.
#include <google/protobuf/message.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/client_callback.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <memory>
#include <string>

#include "upstream/call.h"

namespace fleet::gateway::upstream {

// A stream handle; cancel() is thread-safe and may come at any time, also after on_done.
class Watch {
 public:
  virtual ~Watch() = default;
  virtual void cancel() = 0;
};

template <typename Event>
struct StreamCallbacks {
  std::function<void(const Event&)> on_event;
  std::function<void(const grpc::Status&)> on_done;
};

// A server-streaming callback-API stub method (the reactor overload).
template <typename Async, typename Request, typename Event>
using StreamMethod = void (Async::*)(grpc::ClientContext*, const Request*,
                                     grpc::ClientReadReactor<Event>*);

// Streams as bytes, for tests.
struct RawStreamCallbacks {
  std::function<void(const std::string& serialized_event)> on_event;
  std::function<void(const grpc::Status&)> on_done;
};
class StreamInterceptor {
 public:
  virtual ~StreamInterceptor() = default;
  virtual std::shared_ptr<Watch> open(const google::protobuf::Message& request,
                                      RawStreamCallbacks callbacks) = 0;
};

// One open stream. The reactor owns itself from start() until gRPC's OnDone; one read is
// outstanding at a time, so event_ is only touched by the read in progress.
template <typename Request, typename Event>
class StreamReactor final : public grpc::ClientReadReactor<Event>, public Watch {
 public:
  template <typename Start>
  static std::shared_ptr<StreamReactor> start(Start start_call, const Request& request,
                                              StreamCallbacks<Event> callbacks,
                                              InFlight* in_flight) {
    auto stream = std::shared_ptr<StreamReactor>(new StreamReactor(std::move(callbacks), in_flight));
    stream->self_ = stream;
    stream->request_ = request;
    if (in_flight) in_flight->begin();
    start_call(&stream->context_, &stream->request_, stream.get());
    stream->StartRead(&stream->event_);
    stream->StartCall();
    return stream;
  }

  void cancel() override { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream is over; OnDone follows
    callbacks_.on_event(event_);
    this->StartRead(&event_);
  }

  void OnDone(const grpc::Status& status) override {
    callbacks_.on_done(status);
    callbacks_ = {};
    InFlight* in_flight = in_flight_;
    self_.reset();  // may destroy this
    if (in_flight) in_flight->end();
  }

 private:
  StreamReactor(StreamCallbacks<Event> callbacks, InFlight* in_flight)
      : callbacks_(std::move(callbacks)), in_flight_(in_flight) {}

  grpc::ClientContext context_;
  Request request_;
  Event event_;
  StreamCallbacks<Event> callbacks_;
  InFlight* in_flight_;
  std::shared_ptr<StreamReactor> self_;
};

// The typed callbacks behind an interceptor's bytes: an event that does not parse ends the
// stream with INTERNAL, as gRPC would.
template <typename Event>
RawStreamCallbacks raw_callbacks(StreamCallbacks<Event> callbacks) {
  auto shared = std::make_shared<StreamCallbacks<Event>>(std::move(callbacks));
  return RawStreamCallbacks{
      [shared](const std::string& bytes) {
        Event event;
        if (event.ParseFromString(bytes)) shared->on_event(event);
      },
      [shared](const grpc::Status& status) { shared->on_done(status); }};
}

}  // namespace fleet::gateway::upstream
