#pragma once
// Accounts for the gateway's tests: tokens signed as the auth service would (a real Ed25519
// key, so the gateway verifies them as in production), and the GetUser answer for the accounts
// a test declares, since every authenticated row loads the account its token names.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "fleet/common/clock.h"
#include "fleet/token/jwt.h"
#include "support/canned_upstream.h"

namespace fleet::gateway::testing {

// An active account with fixed created_at/updated_at (2025-01-10T10:00:00Z).
userpb::Account make_account(std::int64_t id, userpb::Role role, std::string username,
                             std::string email = {}, std::string phone = {});

class TokenSigner {
 public:
  explicit TokenSigner(const Clock& clock);
  std::string token_for(const userpb::Account& account) const;
  const std::string& public_key_pem() const { return public_pem_; }
  // auth.GetPublicKey's answer for this key.
  authpb::GetPublicKeyResponse public_key() const;

 private:
  std::string private_pem_;
  std::string public_pem_;
  token::Signer signer_;
};

// Answers user.GetUser with the declared accounts by id; any other id is NOT_FOUND.
class CannedAccounts {
 public:
  static constexpr std::string_view kNotFoundText = "no account with this id";

  explicit CannedAccounts(CannedUpstream& canned);
  // Declares (or replaces) an account.
  void put(const userpb::Account& account);
  void erase(std::int64_t id);

 private:
  std::mutex mutex_;
  std::map<std::int64_t, userpb::Account> accounts_;
};

}  // namespace fleet::gateway::testing
