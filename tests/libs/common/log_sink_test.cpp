#include "fleet/common/log_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/logger.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>

namespace {

using fleet::log::BufferedSink;
using namespace std::chrono_literals;

// A pipe the sink writes into; `read_for` collects what arrives within a time limit.
struct Pipe {
  int fds[2];
  Pipe() { REQUIRE(::pipe2(fds, O_NONBLOCK) == 0); }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  std::string read_for(std::chrono::milliseconds limit) const {
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd ready{fds[0], POLLIN, 0};
      if (::poll(&ready, 1, 10) <= 0) continue;
      char chunk[4096];
      const auto n = ::read(fds[0], chunk, sizeof chunk);
      if (n > 0) text.append(chunk, static_cast<std::size_t>(n));
    }
    return text;
  }
};

std::shared_ptr<spdlog::logger> logger_on(std::shared_ptr<BufferedSink> sink) {
  auto logger = std::make_shared<spdlog::logger>("test", std::move(sink));
  logger->set_pattern("%v");
  logger->flush_on(spdlog::level::warn);
  return logger;
}

}  // namespace

TEST_CASE("lines reach the descriptor at the next interval, not one write per line", "[logging]") {
  Pipe pipe;
  auto sink = std::make_shared<BufferedSink>(pipe.fds[1], 1 << 20, 20ms);
  auto logger = logger_on(sink);
  logger->info("first");
  logger->info("second");
  CHECK(pipe.read_for(300ms) == "first\nsecond\n");
}

TEST_CASE("a warning is written at once, without waiting for the interval", "[logging]") {
  Pipe pipe;
  auto sink = std::make_shared<BufferedSink>(pipe.fds[1], 1 << 20, std::chrono::hours(1));
  auto logger = logger_on(sink);
  logger->info("before");
  logger->warn("alarm");
  CHECK(pipe.read_for(300ms) == "before\nalarm\n");
}

TEST_CASE("past the byte limit lines are dropped and their count is logged", "[logging]") {
  Pipe pipe;
  {
    auto sink = std::make_shared<BufferedSink>(pipe.fds[1], 12, std::chrono::hours(1));
    auto logger = logger_on(sink);
    logger->info("12345");  // 6 bytes with its newline
    logger->info("67890");  // 12
    logger->info("dropped");
    logger->info("also");
  }  // the sink writes what is left when it goes away
  CHECK(pipe.read_for(100ms) ==
        "12345\n67890\n{\"level\":\"warn\",\"event\":\"log_lines_dropped\",\"count\":\"2\"}\n");
}
