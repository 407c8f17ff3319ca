#include "support/fake_streams.h"

namespace fleet::gateway::testing {

FakeStream::FakeStream(std::string type, std::shared_ptr<const google::protobuf::Message> request,
                       upstream::RawStreamCallbacks callbacks)
    : type(std::move(type)), request(std::move(request)), callbacks_(std::move(callbacks)) {}

void FakeStream::cancel() {
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    cancelled_ = true;
  }
  finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
}

void FakeStream::push(const google::protobuf::Message& event) {
  upstream::RawStreamCallbacks callbacks;
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    callbacks = callbacks_;
  }
  callbacks.on_event(event.SerializeAsString());
}

void FakeStream::finish(const grpc::Status& status) {
  upstream::RawStreamCallbacks callbacks;
  {
    std::lock_guard lock(mutex_);
    if (done_) return;
    done_ = true;
    callbacks = std::move(callbacks_);
  }
  callbacks.on_done(status);
}

bool FakeStream::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

bool FakeStream::cancelled() const {
  std::lock_guard lock(mutex_);
  return cancelled_;
}

std::shared_ptr<upstream::Watch> FakeStreams::open(const google::protobuf::Message& request,
                                                   upstream::RawStreamCallbacks callbacks) {
  std::shared_ptr<const google::protobuf::Message> copy(request.New());
  const_cast<google::protobuf::Message&>(*copy).CopyFrom(request);
  auto stream = std::make_shared<FakeStream>(request.GetDescriptor()->name(), std::move(copy),
                                             std::move(callbacks));
  {
    std::lock_guard lock(mutex_);
    streams_.push_back(stream);
  }
  if (on_open) on_open(*stream);
  return stream;
}

std::vector<std::shared_ptr<FakeStream>> FakeStreams::of(const std::string& type) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<FakeStream>> out;
  for (const auto& stream : streams_) {
    if (stream->type == type) out.push_back(stream);
  }
  return out;
}

}  // namespace fleet::gateway::testing
