// Decimal money text, the two parsers the edge has: libs/common's Money::parse (what the
// services read from protos and SQL) and the gateway's kDecimal field check (repair's "cost":
// "250.00" and the like, in a query here so the text arrives raw). Input: the text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fleet/common/money.h"
#include "fuzz_check.h"
#include "http/url.h"
#include "validation/schema.h"
#include "values_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using fleet::Money;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto positive = Money::parse(text);
  const auto any = Money::parse(text, /*allow_negative=*/true);
  if (positive) FUZZ_REQUIRE(any && *any == *positive && positive->in_cents() >= 0);
  if (any) {
    FUZZ_REQUIRE(any->in_cents() <= Money::kMaxCents && any->in_cents() >= -Money::kMaxCents);
    // The canonical text reads back as the same amount.
    const auto again = Money::parse(any->str(), true);
    FUZZ_REQUIRE(again && *again == *any);
    // A rental start (minutes of an hour, at most a day) and stop (seconds) never overflow.
    for (std::int64_t minutes : {0, 1, 59, 1440}) (void)Money::prorate(*any, minutes, 60);
    for (std::int64_t seconds : {1, 3599, 86400}) (void)Money::prorate(*any, seconds, 3600);
  }

  namespace validation = fleet::gateway::validation;
  static constexpr validation::Field kAmount[] = {
      {.name = "amount", .type = validation::Type::kDecimal, .required = true, .ge = 0.0}};
  fleet::gateway::http::ParamList params;
  params.add("amount", std::string(text));
  fleet::fuzz::check_values(validation::validate_params(params, kAmount, "query"), kAmount);
  return 0;
}
