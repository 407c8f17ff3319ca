#pragma once
// The client-safe texts of the streetlight service's refusals (streetlight.proto lists them).
#include <string>
#include <string_view>

#include "fleet/common/error.h"

namespace fleet::streetlight::text {

// INVALID_ARGUMENT
inline constexpr std::string_view kLightIdMissing = "Light ID not provided";
inline constexpr std::string_view kCityMissing = "City not provided";
inline constexpr std::string_view kInvalidAction = "Action must be 'on' or 'off'";
inline constexpr std::string_view kInvalidStatus = "Status must be 'on', 'off' or 'error'";
inline constexpr std::string_view kErrorDetailsTooLong =
    "Error details must be at most 500 characters";
// NOT_FOUND
inline constexpr std::string_view kLightNotFound = "Light not found";
inline constexpr std::string_view kNoDataForCity = "No data for city";

}  // namespace fleet::streetlight::text

namespace fleet::streetlight {

[[noreturn]] inline void fail(ErrorCode code, std::string_view text) {
  throw DomainError(code, std::string(text));
}

}  // namespace fleet::streetlight
