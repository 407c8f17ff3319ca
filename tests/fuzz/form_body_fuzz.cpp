// Form bodies as the pipeline reads Body::kForm and kJsonOrForm rows (rental's /auth/token,
// users-v1's login): the Content-Type decides urlencoded or multipart (boundary, quoted
// parameters, part headers), then the fields are validated against the row's schema.
// Input: the Content-Type value, a newline, the body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/form.h"
#include "surfaces/schemas.h"
#include "validation/schema.h"
#include "values_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace http = fleet::gateway::http;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const auto content_type = input.substr(0, newline);
  const auto body =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);

  (void)http::is_json(content_type);
  if (!http::is_form(content_type)) return 0;
  const auto fields = http::parse_form(content_type, body);
  if (!fields) return 0;  // the pipeline's 400
  for (const auto& [name, value] : fields->items()) FUZZ_REQUIRE(fields->has(name));
  for (const fleet::gateway::validation::Schema schema :
       {fleet::gateway::validation::Schema(fleet::gateway::surfaces::kRentalTokenForm),
        fleet::gateway::validation::Schema(fleet::gateway::surfaces::kRentalCreateUser)}) {
    fleet::fuzz::check_values(fleet::gateway::validation::validate_form(*fields, schema), schema);
  }
  return 0;
}
