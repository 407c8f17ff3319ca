// The order arithmetic on exact money (fleet::Money, tested in tests/libs/common).
#include "fleet/common/money.h"

#include <catch2/catch.hpp>

#include "domain/model.h"

using fleet::Money;
using fleet::repair_shop::Order;

TEST_CASE("total_cost is cost minus discount, exactly", "[money]") {
  Order order;
  order.cost = *Money::parse("300.00");
  order.discount = *Money::parse("25.00");
  CHECK(order.total_cost().str() == "275.00");
  // Sums that binary floating point gets wrong.
  order.cost = *Money::parse("0.30");
  order.discount = *Money::parse("0.10");
  CHECK(order.total_cost().str() == "0.20");
  order.cost = *Money::parse("9999999999.99");
  order.discount = *Money::parse("0.01");
  CHECK(order.total_cost().str() == "9999999999.98");
  CHECK((Money::cents(10) + Money::cents(20)).str() == "0.30");
}
