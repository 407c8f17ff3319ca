#pragma once
// What every accepted request must satisfy, whatever its schema: each field's value reads back
// as its type, every string is UTF-8 (protobuf refuses anything else upstream: issue 11 item 1),
// and every decimal is text that libs/common's Money parses to the same amount.
#include "fleet/common/money.h"
#include "fuzz_check.h"
#include "validation/schema.h"

namespace fleet::fuzz {

inline void check_values(const gateway::validation::Outcome& outcome,
                         gateway::validation::Schema schema) {
  using gateway::validation::Type;
  if (!outcome.ok()) {
    FUZZ_REQUIRE(!outcome.issues.empty());
    return;
  }
  const auto& values = outcome.values;
  for (const auto& field : schema) {
    if (!values.present(field.name)) {
      FUZZ_REQUIRE(!field.required || field.default_int.has_value());
      continue;
    }
    if (values.is_null(field.name)) {
      FUZZ_REQUIRE(field.accepts_null());
      continue;
    }
    switch (field.type) {
      case Type::kString:
      case Type::kEnum: {
        const auto text = values.string(field.name);
        FUZZ_REQUIRE(text.has_value());
        FUZZ_REQUIRE(gateway::validation::is_utf8(*text));
        break;
      }
      case Type::kInt: {
        const auto number = values.integer(field.name);
        FUZZ_REQUIRE(number.has_value());
        if (field.ge) FUZZ_REQUIRE(static_cast<double>(*number) >= *field.ge);
        if (field.le) FUZZ_REQUIRE(static_cast<double>(*number) <= *field.le);
        break;
      }
      case Type::kBool:
        FUZZ_REQUIRE(values.boolean(field.name).has_value());
        break;
      case Type::kNumber:
        FUZZ_REQUIRE(values.number(field.name).has_value());
        break;
      case Type::kDecimal: {
        const auto text = values.decimal(field.name);
        FUZZ_REQUIRE(text.has_value());
        const auto money = Money::parse(*text, /*allow_negative=*/true);
        FUZZ_REQUIRE(money.has_value());
        FUZZ_REQUIRE(money->str() == *text);
        break;
      }
      case Type::kDateTime:
        FUZZ_REQUIRE(values.datetime(field.name).has_value());
        break;
    }
  }
}

}  // namespace fleet::fuzz
