// DB_HOST as a list of servers (a Galera cluster's nodes), each with an optional port.
#include "fleet/common/config.h"

#include <stdlib.h>

#include <catch2/catch.hpp>

#include "fleet/db/db.h"

using fleet::db::Config;
using fleet::db::Endpoint;

namespace {

std::vector<Endpoint> endpoints_of(std::string host, unsigned port = 3306) {
  Config c;
  c.host = std::move(host);
  c.port = port;
  return c.endpoints();
}

}  // namespace

TEST_CASE("one host uses DB_PORT", "[db][config]") {
  CHECK(endpoints_of("db.internal", 3307) == std::vector<Endpoint>{{"db.internal", 3307}});
  CHECK(endpoints_of("::1", 3307) == std::vector<Endpoint>{{"::1", 3307}});
}

TEST_CASE("a comma list keeps its order, each entry with its own port or DB_PORT", "[db][config]") {
  CHECK(endpoints_of("127.0.0.1:3401, 127.0.0.1:3402,node3,[::1]:3404,[fe80::1]") ==
        std::vector<Endpoint>{{"127.0.0.1", 3401},
                              {"127.0.0.1", 3402},
                              {"node3", 3306},
                              {"::1", 3404},
                              {"fe80::1", 3306}});
}

TEST_CASE("a malformed list is refused", "[db][config]") {
  for (const char* bad :
       {"", "a,,b", "a,", "a:0", "a:65536", "a:x", ":3306", "[::1", "[]:1", "[::1]x", "a:33o6"}) {
    INFO(bad);
    CHECK_THROWS_AS(endpoints_of(bad), std::invalid_argument);
  }
}

TEST_CASE("from_env reports a malformed DB_HOST as a configuration error", "[db][config]") {
  ::setenv("DB_USER", "fleet", 1);
  ::setenv("DB_HOST", "127.0.0.1:3401,127.0.0.1:", 1);
  CHECK_THROWS_AS(Config::from_env("fleet_x"), fleet::config::ConfigError);
  ::setenv("DB_HOST", "127.0.0.1:3401,127.0.0.1:3402", 1);
  CHECK(Config::from_env("fleet_x").endpoints().size() == 2);
  ::unsetenv("DB_HOST");
  ::unsetenv("DB_USER");
}
