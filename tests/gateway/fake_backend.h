#pragma once
// An in-memory user + auth service behind the gateway's Backend interface, signing real tokens,
// so handler and server tests run without any process or database.
#include <map>
#include <string>
#include <vector>

#include "fleet/common/clock.h"
#include "fleet/token/jwt.h"
#include "upstream/backend.h"

namespace fleet::gateway::testing {

namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
namespace healthpb = upstream::healthpb;
using upstream::Call;
using upstream::Reply;

class FakeBackend final : public upstream::Backend {
 public:
  explicit FakeBackend(const Clock& clock);

  // Creates an account with a password directly (no call recorded).
  userpb::Account add(userpb::Role role, std::string username, std::string password,
                      std::string email = {}, std::string phone = {});
  std::string token_for(const userpb::Account& account) const;
  const std::string& public_key_pem() const { return public_pem_; }

  std::vector<std::string> calls;  // RPC names, in order
  grpc::Status forced;             // when not OK, every call fails with it
  std::map<std::int64_t, userpb::Account> accounts;
  std::map<std::int64_t, std::string> passwords;
  std::map<std::string, std::int64_t> refresh_tokens;
  bool serving = true;

  Call<userpb::GetUserResponse> GetUser(const userpb::GetUserRequest& request,
                                        const std::string& request_id) override;
  Call<userpb::ListUsersResponse> ListUsers(const userpb::ListUsersRequest& request,
                                            const std::string& request_id) override;
  Call<userpb::UpdateUserResponse> UpdateUser(const userpb::UpdateUserRequest& request,
                                              const std::string& request_id) override;
  Call<userpb::DeleteUserResponse> DeleteUser(const userpb::DeleteUserRequest& request,
                                              const std::string& request_id) override;
  Call<authpb::RegisterResponse> Register(const authpb::RegisterRequest& request,
                                          const std::string& request_id) override;
  Call<authpb::LoginResponse> Login(const authpb::LoginRequest& request,
                                    const std::string& request_id) override;
  Call<authpb::RefreshResponse> Refresh(const authpb::RefreshRequest& request,
                                        const std::string& request_id) override;
  Call<authpb::LogoutResponse> Logout(const authpb::LogoutRequest& request,
                                      const std::string& request_id) override;
  Call<authpb::SetPasswordResponse> SetPassword(const authpb::SetPasswordRequest& request,
                                                const std::string& request_id) override;
  Call<authpb::DeleteCredentialsResponse> DeleteCredentials(
      const authpb::DeleteCredentialsRequest& request, const std::string& request_id) override;
  Call<authpb::GetPublicKeyResponse> GetPublicKey(const std::string& request_id) override;
  Call<healthpb::HealthCheckResponse> Check(upstream::Service service,
                                            std::chrono::milliseconds timeout) override;

 private:
  std::string private_pem_;
  std::string public_pem_;
  token::Signer signer_;
  std::int64_t next_id_ = 1;
  int next_refresh_ = 1;
};

}  // namespace fleet::gateway::testing
