// Request ids: client ids reused when sane, generated otherwise.
#include <catch2/catch.hpp>

#include "http/request_id.h"

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
