#pragma once
// Accounts as the user service's domain sees them, independent of gRPC and MariaDB.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "fleet/common/clock.h"
#include "fleet/common/profile.h"

namespace fleet::user {

enum class Role { kUser, kOperator, kAdmin };

struct Account : Profile {
  std::int64_t id = 0;
  Role role = Role::kUser;
  bool is_active = true;
  Clock::time_point created_at;
  Clock::time_point updated_at;
  // Bumped in the transaction of every change and of the deletion (WatchAccounts readers keep
  // the newest copy).
  std::int64_t version = 1;
};

// What a caller chooses when creating an account.
struct NewAccount : Profile {
  Role role = Role::kUser;
};

// An update: only the fields present change.
struct AccountChanges : Profile {
  std::optional<Role> role;
  std::optional<bool> is_active;
  // The picture set to none (UpdateUser's profile_picture ""; repair's PATCH with null).
  bool clear_profile_picture = false;
};

// The login identifiers; each is unique where present.
enum class Identifier { kUsername, kEmail, kPhone };

// A repository throws this when a unique identifier already belongs to another account.
class IdentifierTaken : public std::runtime_error {
 public:
  explicit IdentifierTaken(Identifier which)
      : std::runtime_error("identifier already taken"), which_(which) {}
  Identifier which() const noexcept { return which_; }

 private:
  Identifier which_;
};

}  // namespace fleet::user
