#pragma once
// Response messages the tests can canned-reply with, built from accounts, and the trailers of
// the idempotency verdicts (libs/idempotency's x-idempotency values).
#include <string>
#include <vector>

#include "support/canned_upstream.h"

namespace fleet::gateway::testing {

inline const Metadata kReplayed{{"x-idempotency", "replayed"}};
inline const Metadata kMismatch{{"x-idempotency", "mismatch"}};
inline const Metadata kInFlight{{"x-idempotency", "in-flight"}};

inline authpb::LoginResponse login_response(const userpb::Account& account,
                                            std::string access_token,
                                            std::string refresh_token = {}) {
  authpb::LoginResponse response;
  *response.mutable_account() = account;
  response.set_access_token(std::move(access_token));
  if (!refresh_token.empty()) response.set_refresh_token(std::move(refresh_token));
  return response;
}

inline authpb::RegisterResponse register_response(const userpb::Account& account,
                                                  std::string access_token = {}) {
  authpb::RegisterResponse response;
  *response.mutable_account() = account;
  if (!access_token.empty()) response.set_access_token(std::move(access_token));
  return response;
}

inline userpb::ListUsersResponse users_response(const std::vector<userpb::Account>& accounts) {
  userpb::ListUsersResponse response;
  for (const auto& account : accounts) *response.add_accounts() = account;
  return response;
}

inline userpb::UpdateUserResponse updated_response(const userpb::Account& account) {
  userpb::UpdateUserResponse response;
  *response.mutable_account() = account;
  return response;
}

}  // namespace fleet::gateway::testing
