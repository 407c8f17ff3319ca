#pragma once
// Server streams the test drives (change feeds and the like): every stream the gateway opens is
// kept by its request type; the test pushes events on the open ones and ends them. No service
// rule lives here.
//
//   FakeStreams streams;
//   upstream::Upstream upstream{canned, &watcher, &streams};
//   ... the gateway opens user.WatchAccounts ...
//   streams.push<userpb::WatchAccountsRequest>(event);
//   streams.finish<userpb::WatchAccountsRequest>(grpc::Status(grpc::StatusCode::UNAVAILABLE, ""));
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "upstream/stream.h"

namespace fleet::gateway::testing {

class FakeStream final : public upstream::Watch {
 public:
  FakeStream(std::string type, std::shared_ptr<const google::protobuf::Message> request,
             upstream::RawStreamCallbacks callbacks);
  void cancel() override;  // ends the stream with CANCELLED, as gRPC would
  void push(const google::protobuf::Message& event);
  void finish(const grpc::Status& status);
  bool done() const;
  bool cancelled() const;

  const std::string type;  // the request's protobuf name
  const std::shared_ptr<const google::protobuf::Message> request;

 private:
  mutable std::mutex mutex_;
  upstream::RawStreamCallbacks callbacks_;
  bool done_ = false;
  bool cancelled_ = false;
};

class FakeStreams final : public upstream::StreamInterceptor {
 public:
  std::shared_ptr<upstream::Watch> open(const google::protobuf::Message& request,
                                        upstream::RawStreamCallbacks callbacks) override;

  // Runs on each new stream (outside any lock), e.g. to push what the service sends first.
  std::function<void(FakeStream&)> on_open;

  // The streams of one request type, open or not, in the order opened.
  std::vector<std::shared_ptr<FakeStream>> of(const std::string& type) const;
  template <typename Request>
  std::vector<std::shared_ptr<FakeStream>> of() const {
    return of(Request::descriptor()->name());
  }
  template <typename Request>
  std::size_t open_count() const {
    std::size_t open = 0;
    for (const auto& stream : of<Request>()) open += stream->done() ? 0 : 1;
    return open;
  }
  // Pushes `event` on every open stream of `Request`.
  template <typename Request>
  void push(const google::protobuf::Message& event) const {
    for (const auto& stream : of<Request>()) {
      if (!stream->done()) stream->push(event);
    }
  }
  // Ends every open stream of `Request` with `status`.
  template <typename Request>
  void finish(const grpc::Status& status) const {
    for (const auto& stream : of<Request>()) {
      if (!stream->done()) stream->finish(status);
    }
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<FakeStream>> streams_;
};

}  // namespace fleet::gateway::testing
