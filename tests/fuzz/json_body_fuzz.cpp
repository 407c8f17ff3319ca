// JSON request bodies validated against a row's schema, as the pipeline does for Body::kJson
// rows: Boost.JSON parsing, then every field type's check (strings, ints, bools, numbers, exact
// decimals, enums, datetimes, emails). Input: a schema name (schema_table.h), a newline, the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "schema_table.h"
#include "validation/schema.h"
#include "values_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto [schema, body] = fleet::fuzz::schema_and_rest(input);
  fleet::gateway::http::Request request;
  request.method = "POST";
  request.headers.emplace_back("Content-Type", "application/json");
  request.body = std::string(body);
  fleet::fuzz::check_values(fleet::gateway::validation::validate_json_body(request, schema), schema);
  return 0;
}
