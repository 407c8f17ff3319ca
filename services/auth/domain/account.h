#pragma once
// Accounts as the auth service's domain sees them: the user service's accounts (fetched over
// gRPC by the adapter's UserDirectory), independent of gRPC and protobuf.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace fleet::auth {

// The user service's role numbers, kept as they come (an unknown one signs as "user").
enum class Role : int { kUnspecified = 0, kUser = 1, kOperator = 2, kAdmin = 3 };

struct Account {
  std::int64_t id = 0;
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> full_name;
  Role role = Role::kUnspecified;
  std::optional<std::string> city;
  std::optional<std::string> profile_picture;
  bool is_active = false;
  std::optional<std::chrono::system_clock::time_point> created_at;
  std::optional<std::chrono::system_clock::time_point> updated_at;
};

// What a registration asks the user service to create.
struct NewAccount {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> full_name;
  std::optional<std::string> city;
  std::optional<std::string> profile_picture;
  Role role = Role::kUnspecified;  // the user service makes it kUser
};

}  // namespace fleet::auth
