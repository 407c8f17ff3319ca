// fleetgate-healthcheck's check and exit codes against a served, a not-serving and an absent
// server.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <string>

#include "fleet/rpc/server.h"
#include "health_check.h"

namespace hc = fleet::healthcheck;
using namespace std::chrono_literals;

namespace {

// The tool's exit status for these arguments (its stderr is kept out of the test log).
int run_tool(const std::string& arguments) {
  const std::string command =
      std::string(FLEETGATE_HEALTHCHECK_BINARY) + " " + arguments + " 2>/dev/null";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  return WEXITSTATUS(status);
}

// A port nothing listens on: one a server had, after it stopped.
int closed_port() {
  fleet::rpc::Server server("closed", "127.0.0.1:0");
  server.start();
  const int port = server.port();
  server.shutdown();
  return port;
}

}  // namespace

TEST_CASE("healthcheck: SERVING passes, NOT_SERVING fails, both from the check and the tool") {
  fleet::rpc::Server server("probe-target", "127.0.0.1:0");
  server.start();  // NOT_SERVING until set_serving(true)
  const std::string address = "127.0.0.1:" + std::to_string(server.port());

  auto result = hc::check(address, 2s);
  CHECK(result.outcome == hc::Outcome::kNotServing);
  CHECK(result.detail == "NOT_SERVING");
  CHECK(run_tool(address) == 1);

  server.set_serving(true);
  result = hc::check(address, 2s);
  CHECK(result.outcome == hc::Outcome::kServing);
  CHECK(run_tool(address) == 0);
  CHECK(run_tool(address + " 500") == 0);
  server.shutdown();
}

TEST_CASE("healthcheck: no server fails within the deadline") {
  const std::string address = "127.0.0.1:" + std::to_string(closed_port());
  const auto started = std::chrono::steady_clock::now();
  const auto result = hc::check(address, 300ms);
  CHECK(result.outcome == hc::Outcome::kFailed);
  CHECK(std::chrono::steady_clock::now() - started < 2s);
  CHECK(run_tool(address + " 300") == 1);
}

TEST_CASE("healthcheck: a usage error exits 2") {
  CHECK(run_tool("") == 2);
  CHECK(run_tool("no-port-here") == 2);
  CHECK(run_tool("127.0.0.1:1 0") == 2);
  CHECK(run_tool("127.0.0.1:1 soon") == 2);
}
