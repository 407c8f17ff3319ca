#include "fleet/common/log_sink.h"

#include <unistd.h>

#include <cerrno>

namespace fleet::log {

BufferedSink::BufferedSink(int fd, std::size_t max_bytes, std::chrono::milliseconds interval)
    : fd_(fd), max_bytes_(max_bytes), interval_(interval), writer_([this] { run(); }) {}

BufferedSink::~BufferedSink() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  write_all(take());
}

void BufferedSink::sink_it_(const spdlog::details::log_msg& message) {
  spdlog::memory_buf_t line;
  formatter_->format(message, line);
  if (buffer_.size() + line.size() > max_bytes_) {
    ++dropped_;
    return;
  }
  buffer_.append(line.data(), line.size());
}

void BufferedSink::flush_() {
  {
    std::lock_guard lock(wake_mutex_);
    wake_requested_ = true;
  }
  wake_.notify_one();
}

void BufferedSink::run() {
  std::unique_lock lock(wake_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || wake_requested_; });
    wake_requested_ = false;
    lock.unlock();
    write_all(take());
    lock.lock();
  }
}

std::string BufferedSink::take() {
  std::string bytes;
  std::uint64_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    bytes.swap(buffer_);
    std::swap(dropped, dropped_);
  }
  if (dropped > 0) {
    bytes += R"({"level":"warn","event":"log_lines_dropped","count":")" + std::to_string(dropped) +
             "\"}\n";
  }
  return bytes;
}

void BufferedSink::write_all(const std::string& bytes) const {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const auto n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // stderr is gone or broken: nothing better to do with log lines
    written += static_cast<std::size_t>(n);
  }
}

}  // namespace fleet::log
