#include "support/canned_upstream.h"

namespace fleet::gateway::testing {

RawReply ok(const google::protobuf::Message& response, Metadata trailers) {
  RawReply reply{grpc::Status::OK, {}, std::move(trailers)};
  response.SerializeToString(&reply.response);
  return reply;
}

RawReply error(grpc::StatusCode code, std::string message, Metadata trailers) {
  return RawReply{grpc::Status(code, std::move(message)), {}, std::move(trailers)};
}

std::string_view Sent::metadata_value(std::string_view key) const {
  for (const auto& [name, value] : metadata) {
    if (name == key) return value;
  }
  return {};
}

bool Sent::has_metadata(std::string_view key) const {
  for (const auto& entry : metadata) {
    if (entry.first == key) return true;
  }
  return false;
}

void CannedUpstream::set(const std::string& type, Answer answer) {
  std::lock_guard lock(mutex_);
  if (answer) {
    answers_[type] = std::move(answer);
  } else {
    answers_.erase(type);
  }
}

std::vector<Sent> CannedUpstream::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::vector<std::string> CannedUpstream::types() const {
  std::vector<std::string> out;
  for (const auto& sent : calls()) out.push_back(sent.type);
  return out;
}

std::vector<std::string> CannedUpstream::unanswered() const {
  std::lock_guard lock(mutex_);
  return unanswered_;
}

void CannedUpstream::forget() {
  std::lock_guard lock(mutex_);
  calls_.clear();
  unanswered_.clear();
}

RawReply CannedUpstream::answer(const google::protobuf::Message& request,
                                const Metadata& metadata) {
  std::shared_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const std::string type = request.GetDescriptor()->name();
  Answer answer;
  {
    std::lock_guard lock(mutex_);
    calls_.push_back(Sent{type, std::move(copy), metadata});
    auto found = answers_.find(type);
    if (found == answers_.end()) {
      unanswered_.push_back(type);
    } else {
      answer = found->second;
    }
  }
  // Outside the lock: an answer may register others.
  if (!answer) return error(grpc::StatusCode::UNIMPLEMENTED, "no canned reply for " + type);
  return answer(request, metadata);
}

}  // namespace fleet::gateway::testing
