#include "fleet/common/priority.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

std::string read_autogroup() {
  std::ifstream in("/proc/self/autogroup");
  std::string line;
  std::getline(in, line);
  return line;
}

struct ChildResult {
  bool returned = false;
  std::string autogroup;  // what the child read of its own autogroup afterwards
};

// Runs yield_to_other_processes(nice) in a child process (a session of its own when asked), so
// that this test runner's session is never lowered.
ChildResult in_child(bool own_session, int nice) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    if (own_session) setsid();
    const bool returned = fleet::priority::yield_to_other_processes(nice);
    const std::string out = (returned ? "1" : "0") + read_autogroup();
    (void)!write(fds[1], out.data(), out.size());
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buffer[256];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(!out.empty());
  return {out[0] == '1', out.substr(1)};
}

}  // namespace

TEST_CASE("A session leader lowers its own autogroup, and nobody else's") {
  if (!std::filesystem::exists("/proc/self/autogroup")) {
    WARN("this kernel has no autogroups: nothing to lower");
    return;
  }
  const std::string ours = read_autogroup();

  SECTION("leading its session, the process's autogroup gets the nice") {
    const auto child = in_child(true, 7);
    CHECK(child.returned);
    CHECK(child.autogroup.ends_with(" nice 7"));
    CHECK(child.autogroup != ours);
  }
  SECTION("in another process's session, nothing is changed") {
    const auto child = in_child(false, 7);
    CHECK_FALSE(child.returned);
    CHECK(child.autogroup == ours);
  }
  CHECK(read_autogroup() == ours);
}
