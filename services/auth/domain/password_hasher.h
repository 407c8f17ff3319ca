#pragma once
// argon2id password hashes (libsodium, OPSLIMIT/MEMLIMIT_INTERACTIVE). The PHC string carries
// its own salt and parameters: "$argon2id$v=19$m=65536,t=2,p=1$…".
#include <string>
#include <string_view>

namespace fleet::auth {

inline constexpr std::size_t kMaxPasswordBytes = 1024;

// Throws DomainError INVALID_ARGUMENT "Password must be 1 to 1024 characters".
void validate_password(std::string_view password);

class PasswordHasher {
 public:
  // Initialises libsodium and prepares the dummy hash (takes one hashing run).
  PasswordHasher();
  // Throws std::runtime_error if hashing fails (out of memory).
  std::string hash(std::string_view password) const;
  bool verify(const std::string& hash, std::string_view password) const;
  // Verifies against a hash no password matches, so that an unknown account costs as much
  // time as a wrong password.
  void verify_dummy(std::string_view password) const;

 private:
  std::string dummy_hash_;
};

}  // namespace fleet::auth
