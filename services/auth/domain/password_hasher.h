#pragma once
// argon2id password hashes (libsodium) at OWASP's first recommended setting: m = 19 MiB, t = 2,
// p = 1 (libsodium always uses one lane). The PHC string carries its own salt and parameters:
// "$argon2id$v=19$m=19456,t=2,p=1$…"; a stored hash with other parameters (e.g. libsodium's
// 64 MiB "interactive" preset, used before) still verifies, and needs_rehash says so.
#include <cstddef>
#include <string>
#include <string_view>

namespace fleet::auth {

inline constexpr std::size_t kMaxPasswordBytes = 1024;

// OWASP Password Storage Cheat Sheet, argon2id, first option.
inline constexpr unsigned long long kHashOpsLimit = 2;                // t
inline constexpr std::size_t kHashMemLimitBytes = 19u * 1024 * 1024;  // m = 19456 KiB

// Throws DomainError INVALID_ARGUMENT "Password must be 1 to 1024 characters".
void validate_password(std::string_view password);

class PasswordHasher {
 public:
  // Initialises libsodium and prepares the dummy hash (takes one hashing run).
  PasswordHasher();
  // Throws std::runtime_error if hashing fails (out of memory).
  std::string hash(std::string_view password) const;
  bool verify(const std::string& hash, std::string_view password) const;
  // True when `hash` was not made with this hasher's algorithm and parameters.
  bool needs_rehash(const std::string& hash) const;
  // Verifies against a hash no password matches, so that an unknown account costs as much
  // time as a wrong password.
  void verify_dummy(std::string_view password) const;

 private:
  std::string dummy_hash_;
};

}  // namespace fleet::auth
