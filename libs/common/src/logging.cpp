#include "fleet/common/logging.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cstdlib>

#include "fleet/common/log_sink.h"

namespace fleet::log {
namespace {

thread_local std::string t_request_id;

std::string quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

std::string render(std::string_view event, Fields fields) {
  std::string line = "\"event\":" + quoted(event);
  if (!t_request_id.empty()) line += ",\"request_id\":" + quoted(t_request_id);
  for (const auto& field : fields) {
    line += ',';
    line += quoted(field.key);
    line += ':';
    line += quoted(field.value);
  }
  return line;
}

void emit(spdlog::level::level_enum level, std::string_view event, Fields fields) {
  if (!spdlog::should_log(level)) return;
  spdlog::log(level, "{}", render(event, fields));
}

}  // namespace

// Lines reach stderr in batches (log_sink.h): up to 4 MiB waiting, written every 50 ms.
constexpr std::size_t kBufferedBytes = 4 << 20;
constexpr std::chrono::milliseconds kWriteInterval{50};

void init(std::string_view service) {
  auto sink = std::make_shared<BufferedSink>(STDERR_FILENO, kBufferedBytes, kWriteInterval);
  auto logger = std::make_shared<spdlog::logger>(std::string(service), std::move(sink));
  logger->set_pattern("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"%l\",\"service\":\"" +
                          std::string(service) + "\",%v}",
                      spdlog::pattern_time_type::utc);
  const char* level = std::getenv("LOG_LEVEL");
  logger->set_level(level ? spdlog::level::from_str(level) : spdlog::level::info);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

void debug(std::string_view event, Fields fields) { emit(spdlog::level::debug, event, fields); }
void info(std::string_view event, Fields fields) { emit(spdlog::level::info, event, fields); }
void warn(std::string_view event, Fields fields) { emit(spdlog::level::warn, event, fields); }
void error(std::string_view event, Fields fields) { emit(spdlog::level::err, event, fields); }

ScopedRequestId::ScopedRequestId(std::string id) : previous_(std::move(t_request_id)) {
  t_request_id = std::move(id);
}
ScopedRequestId::~ScopedRequestId() { t_request_id = std::move(previous_); }
const std::string& current_request_id() { return t_request_id; }

}  // namespace fleet::log
