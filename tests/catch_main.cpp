// Catch2's main in a library of its own: it is slow to compile and never changes.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  Catch::Session session;
  // ctest runs each test case by name (catch_discover_tests). A name that CMake cuts short (a
  // ';' splits it) matches nothing and used to pass without running: fail instead.
  session.configData().warnings = Catch::WarnAbout::NoTests;
  return session.run(argc, argv);
}
