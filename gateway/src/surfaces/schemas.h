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
