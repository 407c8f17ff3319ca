#pragma once
// The client-safe texts of the repair shop's refusals (repair_shop.proto lists them). The
// repository throws the ALREADY_EXISTS ones when a unique key refuses a row.
#include <string>
#include <string_view>

#include "fleet/common/error.h"

namespace fleet::repair_shop::text {

// NOT_FOUND
inline constexpr std::string_view kDeviceTypeNotFound = "Device type not found";
inline constexpr std::string_view kBrandNotFound = "Brand not found";
inline constexpr std::string_view kModelNotFound = "Model not found";
inline constexpr std::string_view kDeviceNotFound = "Device not found";
inline constexpr std::string_view kOwnerNotFound = "Owner not found";
inline constexpr std::string_view kCustomerNotFound = "Customer not found";
inline constexpr std::string_view kOrderNotFound = "Order not found";
inline constexpr std::string_view kUserNotFound = "User not found";
inline constexpr std::string_view kPaymentNotFound = "Payment not found";
inline constexpr std::string_view kAssignmentNotFound = "Assignment not found";
// ALREADY_EXISTS
inline constexpr std::string_view kDeviceTypeExists = "Device type already exists";
inline constexpr std::string_view kBrandExists = "Brand already exists";
inline constexpr std::string_view kModelExists = "Model already exists";
inline constexpr std::string_view kSerialNumberTaken = "Serial number already registered";
inline constexpr std::string_view kAssignmentExists = "Assignment already exists";
// FAILED_PRECONDITION
inline constexpr std::string_view kDeviceHasOrders = "Device has orders";
inline constexpr std::string_view kOrderHasPayments = "Order has payments";
inline constexpr std::string_view kDiscountAboveCost = "Discount cannot exceed cost";
inline constexpr std::string_view kModelOfOtherBrand = "Model does not belong to the brand";
inline constexpr std::string_view kModelOfOtherType = "Model is not of the device type";

}  // namespace fleet::repair_shop::text

namespace fleet::repair_shop {

[[noreturn]] inline void fail(ErrorCode code, std::string_view text) {
  throw DomainError(code, std::string(text));
}

}  // namespace fleet::repair_shop
