#pragma once
// Accounts as the auth service's domain sees them: the user service's accounts (fetched over
// gRPC by the adapter's UserDirectory), independent of gRPC and protobuf.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fleet/common/profile.h"

namespace fleet::auth {

// The user service's role numbers, kept as they come (an unknown one signs as "user").
enum class Role : int { kUnspecified = 0, kUser = 1, kOperator = 2, kAdmin = 3 };

struct Account : Profile {
  std::int64_t id = 0;
  Role role = Role::kUnspecified;
  bool is_active = false;
  std::optional<std::chrono::system_clock::time_point> created_at;
  std::optional<std::chrono::system_clock::time_point> updated_at;
};

// What a registration asks the user service to create.
struct NewAccount : Profile {
  Role role = Role::kUnspecified;  // the user service makes it kUser
};

}  // namespace fleet::auth
