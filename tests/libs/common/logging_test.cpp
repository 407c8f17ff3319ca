#include <catch2/catch.hpp>

#include "fleet/common/logging.h"

TEST_CASE("the request id is scoped to the current call", "[logging]") {
  CHECK(fleet::log::current_request_id().empty());
  {
    fleet::log::ScopedRequestId outer("req-1");
    CHECK(fleet::log::current_request_id() == "req-1");
    {
      fleet::log::ScopedRequestId inner("req-2");
      CHECK(fleet::log::current_request_id() == "req-2");
    }
    CHECK(fleet::log::current_request_id() == "req-1");
  }
  CHECK(fleet::log::current_request_id().empty());
}
