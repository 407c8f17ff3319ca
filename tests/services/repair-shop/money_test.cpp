// Exact money on integer cents: parsing, formatting and the order arithmetic.
#include "domain/money.h"

#include <catch2/catch.hpp>

#include "domain/model.h"

using fleet::repair_shop::Money;
using fleet::repair_shop::Order;

TEST_CASE("money parses decimal text into exact cents", "[money]") {
  CHECK(Money::parse("250.00")->in_cents() == 25000);
  CHECK(Money::parse("250")->in_cents() == 25000);
  CHECK(Money::parse("0.1")->in_cents() == 10);
  CHECK(Money::parse("0.07")->in_cents() == 7);
  CHECK(Money::parse("9999999999.99")->in_cents() == Money::kMaxCents);
  CHECK(Money::parse("-1.50", true)->in_cents() == -150);
}

TEST_CASE("money refuses what is not a non-negative amount with two places", "[money]") {
  for (const char* bad : {"", "-1.00", "1.234", "1.", ".5", "1e3", " 1", "1 ", "+1", "1,00",
                          "10000000000.00", "99999999999999999999999", "abc", "0x10", "NaN"}) {
    INFO(bad);
    CHECK_FALSE(Money::parse(bad).has_value());
  }
}

TEST_CASE("money renders two places", "[money]") {
  CHECK(Money::cents(0).str() == "0.00");
  CHECK(Money::cents(5).str() == "0.05");
  CHECK(Money::cents(27500).str() == "275.00");
  CHECK(Money::cents(-113).str() == "-1.13");
  CHECK(Money::from_db("12.30").str() == "12.30");
  CHECK_THROWS_AS(Money::from_db("twelve"), std::invalid_argument);
}

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
