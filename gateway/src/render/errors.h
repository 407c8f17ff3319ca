#pragma once
// Error bodies per surface:
//   rental, users-v1, repair  {"detail": "text"}; validation 422 {"detail": [issues]}
//   streetlight               {"status": N, "message": "text", "data": null}
//   pisync                    {"message": "text"}
// Handlers throw ApiError / ValidationError; the dispatcher renders them for the route's surface.
#include <stdexcept>
#include <string>
#include <string_view>

#include "http/message.h"
#include "router/surface.h"
#include "validation/schema.h"

namespace fleet::gateway::render {

class ApiError : public std::runtime_error {
 public:
  // what() is the client text; `cause` is for the log only (upstream 5xx details).
  ApiError(int status, const std::string& client_text, std::string cause = {})
      : std::runtime_error(client_text), status_(status), cause_(std::move(cause)) {}
  int status() const noexcept { return status_; }
  const std::string& cause() const noexcept { return cause_; }

 private:
  int status_;
  std::string cause_;
};

// Schema failures; FastAPI surfaces answer 422 with the issues.
class ValidationError : public std::runtime_error {
 public:
  explicit ValidationError(validation::Issues issues)
      : std::runtime_error("validation failed"), issues_(std::move(issues)) {}
  const validation::Issues& issues() const noexcept { return issues_; }

 private:
  validation::Issues issues_;
};

bool uses_detail(Surface surface);  // rental, users-v1, repair

// The surface's error body; a 401 on the FastAPI surfaces carries WWW-Authenticate: Bearer, and
// a 429 on every surface Retry-After: 1.
http::Response error_response(Surface surface, int status, std::string_view text);

// 422 {"detail":[{"type","loc","msg"}, …]} (FastAPI surfaces only).
http::Response validation_response(const validation::Issues& issues);

// The only text a 5xx may carry: "Internal server error", "Service unavailable",
// "Upstream timeout".
std::string_view generic_text(int status);

}  // namespace fleet::gateway::render
