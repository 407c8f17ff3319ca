#pragma once
// The request schemas of the surfaces' rows (surfaces/schemas.h), by name, for the targets that
// validate a body or a query against one. An input names its schema on its first line; a name
// that is not listed still picks one (by its length), so every input exercises some schema.
#include <array>
#include <string_view>
#include <utility>

#include "surfaces/schemas.h"

namespace fleet::fuzz {

using fleet::gateway::validation::Schema;
namespace s = fleet::gateway::surfaces;

inline constexpr std::pair<std::string_view, Schema> kSchemas[] = {
    {"rental_token_form", s::kRentalTokenForm},
    {"rental_create_user", s::kRentalCreateUser},
    {"rental_patch_user", s::kRentalPatchUser},
    {"rental_start_device", s::kRentalStartDevice},
    {"users_v1_login", s::kUsersV1Login},
    {"users_v1_register", s::kUsersV1Register},
    {"users_v1_update", s::kUsersV1Update},
    {"users_v1_list_query", s::kUsersV1ListQuery},
    {"repair_register", s::kRepairRegister},
    {"repair_login", s::kRepairLogin},
    {"repair_refresh_token", s::kRepairRefreshToken},
    {"repair_create_user", s::kRepairCreateUser},
    {"repair_patch_user", s::kRepairPatchUser},
    {"repair_catalog_entry", s::kRepairCatalogEntry},
    {"repair_create_model", s::kRepairCreateModel},
    {"repair_create_device", s::kRepairCreateDevice},
    {"repair_patch_device", s::kRepairPatchDevice},
    {"repair_create_order", s::kRepairCreateOrder},
    {"repair_patch_order", s::kRepairPatchOrder},
    {"repair_assign", s::kRepairAssign},
    {"repair_create_payment", s::kRepairCreatePayment},
    {"repair_patch_payment", s::kRepairPatchPayment},
    {"repair_list_query", s::kRepairListQuery},
    {"repair_devices_query", s::kRepairDevicesQuery},
    {"repair_orders_query", s::kRepairOrdersQuery},
    {"repair_assigns_query", s::kRepairAssignsQuery},
    {"repair_payments_query", s::kRepairPaymentsQuery},
    {"streetlight_register", s::kStreetlightRegister},
    {"streetlight_login", s::kStreetlightLogin},
    {"pisync_credentials", s::kPisyncCredentials},
};

// Splits "name\nrest" into the named schema and rest.
inline std::pair<Schema, std::string_view> schema_and_rest(std::string_view input) {
  const auto newline = input.find('\n');
  const auto name = input.substr(0, newline);
  const auto rest = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  for (const auto& [known, schema] : kSchemas) {
    if (known == name) return {schema, rest};
  }
  return {kSchemas[name.size() % std::size(kSchemas)].second, rest};
}

}  // namespace fleet::fuzz
