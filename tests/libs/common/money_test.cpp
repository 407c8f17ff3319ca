#include "fleet/common/money.h"

#include <catch2/catch.hpp>

using fleet::Money;

namespace {

std::string parsed(std::string_view text, bool negative = false) {
  const auto m = Money::parse(text, negative);
  return m ? m->str() : "invalid";
}

}  // namespace

TEST_CASE("money parses up to two decimals and formats two places", "[money]") {
  CHECK(parsed("12.34") == "12.34");
  CHECK(parsed("12.3") == "12.30");
  CHECK(parsed("12") == "12.00");
  CHECK(parsed("0") == "0.00");
  CHECK(parsed("0.05") == "0.05");
  CHECK(parsed("007.10") == "7.10");
  CHECK(parsed("9999999999.99") == "9999999999.99");
  CHECK(Money::parse("1.50")->in_cents() == 150);
}

TEST_CASE("money rejects anything else", "[money]") {
  for (const char* bad : {"", ".", "1.", ".5", "1.234", "1.000", "-1", "+1", " 1", "1 ", "1e2",
                          "1,50", "abc", "1.5x", "--1", "10000000000", "99999999999999999999"}) {
    INFO(bad);
    CHECK(parsed(bad) == "invalid");
  }
}

TEST_CASE("negative amounts only where allowed", "[money]") {
  CHECK(parsed("-1.13", true) == "-1.13");
  CHECK(parsed("-0.5", true) == "-0.50");
  CHECK(parsed("-", true) == "invalid");
  CHECK(Money::from_db("-1.50") == -Money::cents(150));
  CHECK_THROWS(Money::from_db("1.5.0"));
  CHECK((Money::cents(-113)).str() == "-1.13");
  CHECK((Money::cents(-5)).str() == "-0.05");
}

TEST_CASE("arithmetic and comparison are exact", "[money]") {
  const Money ten = *Money::parse("10.00");
  CHECK((ten - *Money::parse("1.50")).str() == "8.50");
  // The sum that binary floating point gets wrong.
  CHECK((*Money::parse("0.10") + *Money::parse("0.20")).str() == "0.30");
  CHECK(*Money::parse("0.30") == *Money::parse("0.3"));
  CHECK(*Money::parse("1.49") < *Money::parse("1.50"));
}

TEST_CASE("cost and refund round half up to the cent", "[money]") {
  const Money rate = *Money::parse("1.50");
  // 60 minutes at 1.50/h from 10.00 leaves 8.50.
  CHECK(Money::prorate(rate, 60, 60).str() == "1.50");
  CHECK((*Money::parse("10.00") - Money::prorate(rate, 60, 60)).str() == "8.50");
  // Stopping after 15 of 60 minutes: 45 minutes left, 1.125 -> 1.13.
  CHECK(Money::prorate(rate, 45 * 60, 3600).str() == "1.13");
  // Exactly half a cent rounds up; just below rounds down.
  CHECK(Money::prorate(Money::cents(1), 1, 2).str() == "0.01");     // 0.005
  CHECK(Money::prorate(Money::cents(1), 49, 100).str() == "0.00");  // 0.0049
  CHECK(Money::prorate(Money::cents(150), 1, 60).str() == "0.03");  // 2.5 cents
  CHECK(Money::prorate(Money::cents(120), 1, 60).str() == "0.02");  // exactly 2 cents
  CHECK(Money::prorate(Money::cents(120), 7, 60).str() == "0.14");
  CHECK(Money::prorate(Money::cents(150), 1, 3600).str() == "0.00");    // 0.0417 cents
  CHECK(Money::prorate(Money::cents(150), 12, 3600).str() == "0.01");   // 0.5 cents
  CHECK(Money::prorate(Money::cents(150), 11, 3600).str() == "0.00");   // 0.458 cents
  CHECK(Money::prorate(Money::cents(120), 1440, 60).str() == "28.80");  // a whole day
  CHECK(Money::prorate(rate, 0, 3600).str() == "0.00");
  // Half away from zero for negatives.
  CHECK(Money::prorate(-Money::cents(1), 1, 2).str() == "-0.01");
}

// The repair shop's amounts.
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
