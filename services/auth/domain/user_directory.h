#pragma once
// The accounts the auth service authenticates live in the user service; the domain reaches
// them through this interface (gRPC in production, a fake in tests).
#include <cstdint>
#include <optional>
#include <string>

#include "account.h"

namespace fleet::auth {

struct LoginIdentifier {
  enum class Kind { kUsername, kEmail, kPhone };
  Kind kind = Kind::kUsername;
  std::string value;
};

// Failures of the user service surface as DomainError: its own client-safe code and text
// (ALREADY_EXISTS "Username already exists", INVALID_ARGUMENT …), or UNAVAILABLE.
class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  virtual Account create_user(const NewAccount& account) = 0;
  // nullopt when no such account exists.
  virtual std::optional<Account> get_user(std::int64_t id) = 0;
  virtual std::optional<Account> find_user(const LoginIdentifier& identifier) = 0;
  // Succeeds when the account is already gone.
  virtual void delete_user(std::int64_t id) = 0;
};

}  // namespace fleet::auth
