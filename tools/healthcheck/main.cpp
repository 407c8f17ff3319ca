// fleetgate-healthcheck HOST:PORT [TIMEOUT_MS]: exits 0 only when the gRPC server at HOST:PORT
// answers grpc.health.v1 Check with SERVING within TIMEOUT_MS (default 2000); 1 otherwise, with
// one line on stderr; 2 on a usage error. Used by docker-compose.yml's health checks.
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "health_check.h"

namespace {

constexpr int kUsage = 2;

bool parse_timeout(std::string_view text, long& ms) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), ms);
  return error == std::errc() && end == text.data() + text.size() && ms > 0 && ms <= 600'000;
}

}  // namespace

int main(int argc, char** argv) {
  long timeout_ms = 2000;
  const bool usage_ok = (argc == 2 || (argc == 3 && parse_timeout(argv[2], timeout_ms))) &&
                        std::string_view(argv[1]).find(':') != std::string_view::npos;
  if (!usage_ok) {
    std::fprintf(stderr, "usage: fleetgate-healthcheck HOST:PORT [TIMEOUT_MS (1..600000)]\n");
    return kUsage;
  }
  const auto result =
      fleet::healthcheck::check(argv[1], std::chrono::milliseconds(timeout_ms));
  if (result.outcome == fleet::healthcheck::Outcome::kServing) return 0;
  std::fprintf(stderr, "%s: %s\n", argv[1], result.detail.c_str());
  return 1;
}
