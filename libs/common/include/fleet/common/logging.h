#pragma once
// Structured logging: one JSON object per line on stderr, e.g.
//   {"ts":"…","level":"info","service":"auth","event":"login","request_id":"…","user_id":"7"}
// Log text is for operators; it never carries passwords, hashes or tokens.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace fleet::log {

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(std::to_string(v)) {}
  Field(std::string_view k, int v) : key(k), value(std::to_string(v)) {}
  std::string_view key;
  std::string value;
};
using Fields = std::initializer_list<Field>;

// Sets up the process logger; level from LOG_LEVEL (debug, info, warn, error; default info).
void init(std::string_view service);

void debug(std::string_view event, Fields fields = {});
void info(std::string_view event, Fields fields = {});
void warn(std::string_view event, Fields fields = {});
void error(std::string_view event, Fields fields = {});

// The request id of the call this thread is serving, appended to every line it logs.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};
const std::string& current_request_id();

// The metadata key that carries the request id from the gateway through gRPC.
inline constexpr std::string_view kRequestIdKey = "x-request-id";

}  // namespace fleet::log
