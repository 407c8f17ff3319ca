#pragma once
// The request schemas of every endpoint, in the field order of each document (pydantic reports
// issues in that order), plus the 400 texts of the surfaces without FastAPI detail bodies.
#include <string>

#include "validation/schema.h"

namespace fleet::gateway::surfaces {

using validation::Field;
using validation::Type;

inline constexpr std::size_t kPasswordMax = 1024;

// rental
inline constexpr Field kRentalTokenForm[] = {
    {.name = "username", .required = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax}};
inline constexpr Field kRentalCreateUser[] = {
    {.name = "name", .required = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax},
    {.name = "is_admin", .type = Type::kBool}};
inline constexpr Field kRentalPatchUser[] = {{.name = "name"},
                                             {.name = "cash", .type = Type::kNumber, .ge = 0.0}};
// Wallets are DECIMAL(12,2) in device-session.
inline constexpr double kRentalMaxCash = 9999999999.99;
inline constexpr Field kRentalStartDevice[] = {
    {.name = "user_id", .type = Type::kInt, .required = true},
    {.name = "duration_minutes", .type = Type::kInt, .required = true, .ge = 1.0, .le = 1440.0}};

// users-v1
inline constexpr Field kUsersV1Login[] = {
    {.name = "username", .required = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax}};
inline constexpr Field kUsersV1Register[] = {
    {.name = "email", .required = true, .email = true},
    {.name = "username", .required = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax},
    {.name = "full_name"}};
inline constexpr Field kUsersV1ListQuery[] = {
    {.name = "skip", .type = Type::kInt, .ge = 0.0, .default_int = 0},
    {.name = "limit", .type = Type::kInt, .ge = 0.0, .le = 1000.0, .default_int = 100}};
inline constexpr Field kUsersV1Update[] = {
    {.name = "email", .email = true},
    {.name = "username"},
    {.name = "full_name"},
    {.name = "password", .trim = false, .max_length = kPasswordMax}};

// repair
inline constexpr Field kRepairRegister[] = {
    {.name = "full_name", .required = true},
    {.name = "phone", .required = true},
    {.name = "email", .required = true, .email = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax}};
inline constexpr Field kRepairLogin[] = {
    {.name = "phone", .required = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax}};
inline constexpr Field kRepairRefreshToken[] = {
    {.name = "refresh_token", .required = true, .max_length = kPasswordMax}};
inline constexpr Field kRepairListQuery[] = {
    {.name = "limit", .type = Type::kInt, .ge = 1.0, .le = 100.0, .default_int = 10},
    {.name = "offset", .type = Type::kInt, .ge = 0.0, .default_int = 0}};
inline constexpr Field kRepairCreateUser[] = {
    {.name = "full_name", .required = true},
    {.name = "phone", .required = true},
    {.name = "email", .required = true, .email = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax},
    {.name = "is_staff", .type = Type::kBool}};
inline constexpr Field kRepairPatchUser[] = {
    {.name = "full_name"},
    {.name = "email", .email = true},
    {.name = "phone"},
    {.name = "profile_picture", .max_length = kPasswordMax},
    {.name = "is_active", .type = Type::kBool},
    {.name = "is_staff", .type = Type::kBool}};

// repair shop (repair-shop.md beyond auth and users). Money: exact decimals with two places,
// DECIMAL(12,2) upstream, never negative. A PATCH field that the document does not show as
// nullable refuses null (pydantic `x: T = default`); the nullable ones clear the column.
// Descriptions and notes are TEXT upstream (65,535 bytes): at most 4 bytes a character.
inline constexpr std::size_t kRepairTextMax = 16383;
inline constexpr std::string_view kRepairOrderStatuses[] = {"Pending", "Repairing", "Completed",
                                                            "Cancelled"};
inline constexpr std::string_view kRepairPaymentStatuses[] = {"Paid", "Due", "Unpaid", "Partial"};
inline constexpr Field kRepairCatalogEntry[] = {  // device types and brands
    {.name = "name", .required = true, .max_length = 255},
    {.name = "description", .max_length = kRepairTextMax}};
inline constexpr Field kRepairCreateModel[] = {
    {.name = "brand_id", .type = Type::kInt, .required = true},
    {.name = "name", .required = true, .max_length = 255},
    {.name = "device_type_id", .type = Type::kInt, .required = true}};
inline constexpr Field kRepairCreateDevice[] = {
    {.name = "brand_id", .type = Type::kInt, .required = true},
    {.name = "model_id", .type = Type::kInt, .required = true},
    {.name = "device_type_id", .type = Type::kInt, .required = true},
    {.name = "serial_number", .required = true, .max_length = 255},
    {.name = "owner_id", .type = Type::kInt, .required = true},
    {.name = "notes", .max_length = kRepairTextMax}};
inline constexpr Field kRepairPatchDevice[] = {
    {.name = "brand_id", .type = Type::kInt, .nullable = false},
    {.name = "model_id", .type = Type::kInt, .nullable = false},
    {.name = "device_type_id", .type = Type::kInt, .nullable = false},
    {.name = "serial_number", .max_length = 255, .nullable = false},
    {.name = "owner_id", .type = Type::kInt, .nullable = false},
    {.name = "notes", .max_length = kRepairTextMax}};
inline constexpr Field kRepairDevicesFilters[] = {
    {.name = "owner_id", .type = Type::kInt, .description = "Filter by owner ID"}};
inline constexpr auto kRepairDevicesQuery = validation::with_page(kRepairDevicesFilters, 10, 100);
inline constexpr Field kRepairCreateOrder[] = {
    {.name = "device_id", .type = Type::kInt, .required = true},
    {.name = "customer_id", .type = Type::kInt, .required = true},
    {.name = "problem_id", .type = Type::kInt},
    {.name = "cost", .type = Type::kDecimal, .required = true, .ge = 0.0},
    {.name = "discount", .type = Type::kDecimal, .ge = 0.0, .nullable = false},
    {.name = "note", .max_length = kRepairTextMax},
    {.name = "status", .type = Type::kEnum, .nullable = false, .choices = kRepairOrderStatuses},
    {.name = "estimated_completion_date", .type = Type::kDateTime, .date_as_midnight = true}};
inline constexpr Field kRepairPatchOrder[] = {
    {.name = "device_id", .type = Type::kInt, .nullable = false},
    {.name = "customer_id", .type = Type::kInt, .nullable = false},
    {.name = "problem_id", .type = Type::kInt},
    {.name = "cost", .type = Type::kDecimal, .ge = 0.0, .nullable = false},
    {.name = "discount", .type = Type::kDecimal, .ge = 0.0, .nullable = false},
    {.name = "note", .max_length = kRepairTextMax},
    {.name = "status", .type = Type::kEnum, .nullable = false, .choices = kRepairOrderStatuses},
    {.name = "estimated_completion_date", .type = Type::kDateTime, .date_as_midnight = true}};
inline constexpr Field kRepairOrdersFilters[] = {
    {.name = "status", .type = Type::kEnum, .choices = kRepairOrderStatuses,
     .description = "Filter by status"},
    {.name = "customer_id", .type = Type::kInt, .description = "Filter by customer ID"},
    {.name = "device_id", .type = Type::kInt, .description = "Filter by device ID"}};
inline constexpr auto kRepairOrdersQuery = validation::with_page(kRepairOrdersFilters, 10, 100);
inline constexpr Field kRepairAssign[] = {
    {.name = "order_id", .type = Type::kInt, .required = true},
    {.name = "user_id", .type = Type::kInt, .required = true}};
inline constexpr Field kRepairAssignsFilters[] = {
    {.name = "order_id", .type = Type::kInt, .description = "Filter by order ID"},
    {.name = "user_id", .type = Type::kInt, .description = "Filter by user ID"}};
inline constexpr auto kRepairAssignsQuery = validation::with_page(kRepairAssignsFilters, 10, 100);
inline constexpr Field kRepairCreatePayment[] = {
    {.name = "order_id", .type = Type::kInt, .required = true},
    {.name = "due_amount", .type = Type::kDecimal, .required = true, .ge = 0.0},
    {.name = "amount", .type = Type::kDecimal, .required = true, .ge = 0.0},
    {.name = "status", .type = Type::kEnum, .nullable = false, .choices = kRepairPaymentStatuses},
    {.name = "payment_method", .max_length = 255},
    {.name = "transaction_id", .max_length = 255}};
inline constexpr Field kRepairPatchPayment[] = {
    {.name = "due_amount", .type = Type::kDecimal, .ge = 0.0, .nullable = false},
    {.name = "amount", .type = Type::kDecimal, .ge = 0.0, .nullable = false},
    {.name = "status", .type = Type::kEnum, .nullable = false, .choices = kRepairPaymentStatuses},
    {.name = "payment_method", .max_length = 255},
    {.name = "transaction_id", .max_length = 255}};
inline constexpr Field kRepairPaymentsFilters[] = {
    {.name = "status", .type = Type::kEnum, .choices = kRepairPaymentStatuses,
     .description = "Filter by status"},
    {.name = "order_id", .type = Type::kInt, .description = "Filter by order ID"}};
inline constexpr auto kRepairPaymentsQuery = validation::with_page(kRepairPaymentsFilters, 10, 100);

// streetlight
inline constexpr Field kStreetlightRegister[] = {
    {.name = "name", .required = true},
    {.name = "email", .required = true, .email = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax},
    {.name = "city", .required = true},
    {.name = "role"}};
inline constexpr Field kStreetlightLogin[] = {
    {.name = "email", .required = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax}};

// pisync
inline constexpr Field kPisyncCredentials[] = {
    {.name = "username", .required = true},
    {.name = "password", .required = true, .trim = false, .max_length = kPasswordMax}};

// The single 400 text for a failed streetlight register / login schema.
std::string streetlight_register_problem(const validation::Issues& issues);
std::string streetlight_login_problem(const validation::Issues& issues);
// The single 400 text for a failed pisync register / login schema.
std::string pisync_credentials_problem(const validation::Issues& issues);

}  // namespace fleet::gateway::surfaces
