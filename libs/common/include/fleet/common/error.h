#pragma once
// Domain errors carry a code and a message that is safe to show a client. The gRPC adapter
// turns them into a grpc::Status; anything else becomes INTERNAL with a generic text and the
// real cause goes only to the log.
#include <stdexcept>
#include <string>

namespace fleet {

enum class ErrorCode {
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kFailedPrecondition,
  kAborted,
  kUnavailable,
  kInternal,
};

class DomainError : public std::runtime_error {
 public:
  DomainError(ErrorCode code, const std::string& client_message)
      : std::runtime_error(client_message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

}  // namespace fleet
