#include <catch2/catch.hpp>

#include "auth/bearer.h"
#include "http/request_id.h"

using fleet::gateway::auth::parse_bearer;
using namespace fleet::gateway::http;

TEST_CASE("request ids: sane client ids are reused, others replaced") {
  CHECK(request_id_for("abc-123_X.y") == "abc-123_X.y");
  std::string max(64, 'a');
  CHECK(request_id_for(max) == max);

  for (std::string_view bad :
       {std::string_view{}, std::string_view{"has space"}, std::string_view{"new\nline"},
        std::string_view{"quote\""}, std::string_view{"{json}"}}) {
    auto id = request_id_for(bad);
    CHECK(id != bad);
    CHECK(id.size() == 32);
    CHECK(is_sane_request_id(id));
  }
  CHECK_FALSE(is_sane_request_id(std::string(65, 'a')));
  CHECK(new_request_id() != new_request_id());
}

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
