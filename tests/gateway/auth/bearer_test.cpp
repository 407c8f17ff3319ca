// The Authorization header's bearer token.
#include <catch2/catch.hpp>

#include "auth/bearer.h"

using fleet::gateway::auth::parse_bearer;

TEST_CASE("bearer parsing") {
  CHECK(parse_bearer("Bearer abc.def.ghi") == "abc.def.ghi");
  CHECK(parse_bearer("bearer abc") == "abc");
  CHECK(parse_bearer("BEARER   abc  ") == "abc");
  CHECK_FALSE(parse_bearer("").has_value());
  CHECK_FALSE(parse_bearer("Bearer").has_value());
  CHECK_FALSE(parse_bearer("Bearer ").has_value());
  CHECK_FALSE(parse_bearer("Basic dXNlcjpwYXNz").has_value());
  CHECK_FALSE(parse_bearer("Bearerabc").has_value());
  CHECK_FALSE(parse_bearer("Bearer a b").has_value());
  CHECK_FALSE(parse_bearer("abc").has_value());
}
