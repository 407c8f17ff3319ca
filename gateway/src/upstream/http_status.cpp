#include "upstream/http_status.h"

namespace fleet::gateway::upstream {

int http_status_for(grpc::StatusCode code) {
  using grpc::StatusCode;
  switch (code) {
    case StatusCode::OK:
      return 200;
    case StatusCode::CANCELLED:
      return 499;
    case StatusCode::UNKNOWN:
      return 500;
    case StatusCode::INVALID_ARGUMENT:
      return 400;
    case StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case StatusCode::NOT_FOUND:
      return 404;
    case StatusCode::ALREADY_EXISTS:
      return 400;  // grpc-gateway says 409; PLATFORM.md says 400
    case StatusCode::PERMISSION_DENIED:
      return 403;
    case StatusCode::UNAUTHENTICATED:
      return 401;
    case StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case StatusCode::FAILED_PRECONDITION:
      return 400;
    case StatusCode::ABORTED:
      return 409;
    case StatusCode::OUT_OF_RANGE:
      return 400;
    case StatusCode::UNIMPLEMENTED:
      return 501;
    case StatusCode::INTERNAL:
      return 500;
    case StatusCode::UNAVAILABLE:
      return 503;
    case StatusCode::DATA_LOSS:
      return 500;
    default:
      return 500;
  }
}

}  // namespace fleet::gateway::upstream
