// migrate_with_retry against a port nobody listens on: it retries, then gives up after its
// deadline with the connection error (no MariaDB needed).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "fleet/db/db.h"

using namespace std::chrono_literals;

namespace {

// A loopback port that was free a moment ago: bound, then closed again.
unsigned closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

constexpr fleet::db::Migration kMigrations[] = {{1, "t", "CREATE TABLE IF NOT EXISTS t (id INT)"}};

}  // namespace

TEST_CASE("migrate_with_retry gives up after its deadline on a closed port", "[db][migrate]") {
  fleet::db::Config config;
  config.host = "127.0.0.1";
  config.port = closed_port();
  config.user = "nobody";
  config.database = "fleet_retry_test";
  config.connect_timeout = 500ms;

  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(fleet::db::migrate_with_retry(config, kMigrations, {1200ms, 300ms}),
                  fleet::db::ConnectionLost);
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= 1200ms);  // kept trying until the deadline
  CHECK(took < 6s);       // and then stopped
}

TEST_CASE("migrate_with_retry with no time to wait tries once", "[db][migrate]") {
  fleet::db::Config config;
  config.port = closed_port();
  config.user = "nobody";
  config.database = "fleet_retry_test";
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(fleet::db::migrate_with_retry(config, kMigrations, {0ms, 1s}),
                  fleet::db::ConnectionLost);
  CHECK(std::chrono::steady_clock::now() - start < 900ms);
}

TEST_CASE("errors other than an unreachable server are not retried", "[db][migrate]") {
  fleet::db::Config config;
  config.port = closed_port();
  config.user = "nobody";  // no database name: refused before connecting
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(fleet::db::migrate_with_retry(config, kMigrations, {5s, 1s}), fleet::db::Error);
  CHECK(std::chrono::steady_clock::now() - start < 900ms);
}
