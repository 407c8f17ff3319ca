#include "fake_backend.h"

namespace fleet::gateway::testing {
namespace {

std::string role_name(userpb::Role role) {
  switch (role) {
    case userpb::ROLE_ADMIN:
      return "admin";
    case userpb::ROLE_OPERATOR:
      return "operator";
    default:
      return "user";
  }
}

template <typename T>
Reply<T> failed(grpc::StatusCode code, std::string text) {
  return Reply<T>{grpc::Status(code, std::move(text)), T{}};
}

std::string public_of(const std::string& private_pem, const Clock& clock) {
  return token::Signer(private_pem, "fleetgate", "k1", std::chrono::hours(1), clock)
      .public_key_pem();
}

}  // namespace

FakeBackend::FakeBackend(const Clock& clock)
    : private_pem_(token::generate_private_key_pem()),
      public_pem_(public_of(private_pem_, clock)),
      signer_(private_pem_, "fleetgate", "k1", std::chrono::hours(1), clock) {}

userpb::Account FakeBackend::add(userpb::Role role, std::string username, std::string password,
                                 std::string email, std::string phone) {
  userpb::Account a;
  a.set_id(next_id_++);
  if (!username.empty()) a.set_username(username);
  if (!email.empty()) a.set_email(email);
  if (!phone.empty()) a.set_phone(phone);
  a.set_role(role);
  a.set_is_active(true);
  a.mutable_created_at()->set_seconds(1736503200);
  a.mutable_updated_at()->set_seconds(1736503200);
  accounts[a.id()] = a;
  passwords[a.id()] = std::move(password);
  return a;
}

std::string FakeBackend::token_for(const userpb::Account& account) const {
  return signer_.sign(account.id(), role_name(account.role()));
}

#define FAKE_CALL(T, name) \
  calls.push_back(name);   \
  if (!forced.ok()) co_return Reply<T>{forced, T{}};

Call<userpb::GetUserResponse> FakeBackend::GetUser(const userpb::GetUserRequest& request,
                                                   const std::string&) {
  FAKE_CALL(userpb::GetUserResponse, "user.GetUser");
  auto it = accounts.find(request.id());
  if (it == accounts.end())
    co_return failed<userpb::GetUserResponse>(grpc::StatusCode::NOT_FOUND, "User not found");
  userpb::GetUserResponse response;
  *response.mutable_account() = it->second;
  co_return Reply<userpb::GetUserResponse>{grpc::Status::OK, response};
}

Call<userpb::ListUsersResponse> FakeBackend::ListUsers(const userpb::ListUsersRequest& request,
                                                       const std::string&) {
  FAKE_CALL(userpb::ListUsersResponse, "user.ListUsers");
  userpb::ListUsersResponse response;
  std::int64_t index = 0;
  for (const auto& [id, account] : accounts) {
    if (index++ < request.offset()) continue;
    if (response.accounts_size() >= request.limit()) break;
    *response.add_accounts() = account;
  }
  co_return Reply<userpb::ListUsersResponse>{grpc::Status::OK, response};
}

Call<userpb::UpdateUserResponse> FakeBackend::UpdateUser(const userpb::UpdateUserRequest& request,
                                                         const std::string&) {
  FAKE_CALL(userpb::UpdateUserResponse, "user.UpdateUser");
  auto it = accounts.find(request.id());
  if (it == accounts.end())
    co_return failed<userpb::UpdateUserResponse>(grpc::StatusCode::NOT_FOUND, "User not found");
  auto& a = it->second;
  if (request.has_username()) a.set_username(request.username());
  if (request.has_email()) a.set_email(request.email());
  if (request.has_phone()) a.set_phone(request.phone());
  if (request.has_full_name()) a.set_full_name(request.full_name());
  if (request.has_city()) a.set_city(request.city());
  if (request.has_profile_picture()) {
    if (request.profile_picture().empty()) {
      a.clear_profile_picture();
    } else {
      a.set_profile_picture(request.profile_picture());
    }
  }
  if (request.has_role()) a.set_role(request.role());
  if (request.has_is_active()) a.set_is_active(request.is_active());
  userpb::UpdateUserResponse response;
  *response.mutable_account() = a;
  co_return Reply<userpb::UpdateUserResponse>{grpc::Status::OK, response};
}

Call<userpb::DeleteUserResponse> FakeBackend::DeleteUser(const userpb::DeleteUserRequest& request,
                                                         const std::string&) {
  FAKE_CALL(userpb::DeleteUserResponse, "user.DeleteUser");
  if (accounts.erase(request.id()) == 0) {
    co_return failed<userpb::DeleteUserResponse>(grpc::StatusCode::NOT_FOUND, "User not found");
  }
  co_return Reply<userpb::DeleteUserResponse>{grpc::Status::OK, {}};
}

Call<authpb::RegisterResponse> FakeBackend::Register(const authpb::RegisterRequest& request,
                                                     const std::string&) {
  FAKE_CALL(authpb::RegisterResponse, "auth.Register");
  const auto& n = request.account();
  for (const auto& [id, a] : accounts) {
    if (n.has_username() && a.has_username() && a.username() == n.username()) {
      co_return failed<authpb::RegisterResponse>(grpc::StatusCode::ALREADY_EXISTS,
                                                 "Username already exists");
    }
    if (n.has_email() && a.has_email() && a.email() == n.email()) {
      co_return failed<authpb::RegisterResponse>(grpc::StatusCode::ALREADY_EXISTS,
                                                 "Email already registered");
    }
    if (n.has_phone() && a.has_phone() && a.phone() == n.phone()) {
      co_return failed<authpb::RegisterResponse>(grpc::StatusCode::ALREADY_EXISTS,
                                                 "Phone already registered");
    }
  }
  auto role = n.role() == userpb::ROLE_UNSPECIFIED ? userpb::ROLE_USER : n.role();
  auto account = add(role, n.username(), request.password(), n.email(), n.phone());
  if (n.has_full_name()) account.set_full_name(n.full_name());
  if (n.has_city()) account.set_city(n.city());
  accounts[account.id()] = account;
  authpb::RegisterResponse response;
  *response.mutable_account() = account;
  if (request.issue_access_token()) response.set_access_token(token_for(account));
  co_return Reply<authpb::RegisterResponse>{grpc::Status::OK, response};
}

Call<authpb::LoginResponse> FakeBackend::Login(const authpb::LoginRequest& request,
                                               const std::string&) {
  FAKE_CALL(authpb::LoginResponse, "auth.Login");
  for (const auto& [id, a] : accounts) {
    bool match =
        (request.has_username() && a.has_username() && a.username() == request.username()) ||
        (request.has_email() && a.has_email() && a.email() == request.email()) ||
        (request.has_phone() && a.has_phone() && a.phone() == request.phone());
    if (!match || passwords[id] != request.password()) continue;
    if (!a.is_active())
      co_return failed<authpb::LoginResponse>(grpc::StatusCode::PERMISSION_DENIED,
                                              "User is inactive");
    authpb::LoginResponse response;
    *response.mutable_account() = a;
    response.set_access_token(token_for(a));
    if (request.issue_refresh_token()) {
      auto token = "rt-" + std::to_string(next_refresh_++);
      refresh_tokens[token] = id;
      response.set_refresh_token(token);
    }
    co_return Reply<authpb::LoginResponse>{grpc::Status::OK, response};
  }
  co_return failed<authpb::LoginResponse>(grpc::StatusCode::UNAUTHENTICATED, "Invalid credentials");
}

Call<authpb::RefreshResponse> FakeBackend::Refresh(const authpb::RefreshRequest& request,
                                                   const std::string&) {
  FAKE_CALL(authpb::RefreshResponse, "auth.Refresh");
  auto it = refresh_tokens.find(request.refresh_token());
  if (it == refresh_tokens.end()) {
    co_return failed<authpb::RefreshResponse>(grpc::StatusCode::UNAUTHENTICATED,
                                              "Invalid refresh token");
  }
  authpb::RefreshResponse response;
  response.set_access_token(token_for(accounts.at(it->second)));
  co_return Reply<authpb::RefreshResponse>{grpc::Status::OK, response};
}

Call<authpb::LogoutResponse> FakeBackend::Logout(const authpb::LogoutRequest& request,
                                                 const std::string&) {
  FAKE_CALL(authpb::LogoutResponse, "auth.Logout");
  if (refresh_tokens.erase(request.refresh_token()) == 0) {
    co_return failed<authpb::LogoutResponse>(grpc::StatusCode::UNAUTHENTICATED,
                                             "Invalid refresh token");
  }
  co_return Reply<authpb::LogoutResponse>{grpc::Status::OK, {}};
}

Call<authpb::SetPasswordResponse> FakeBackend::SetPassword(
    const authpb::SetPasswordRequest& request, const std::string&) {
  FAKE_CALL(authpb::SetPasswordResponse, "auth.SetPassword");
  passwords[request.user_id()] = request.password();
  co_return Reply<authpb::SetPasswordResponse>{grpc::Status::OK, {}};
}

Call<authpb::DeleteCredentialsResponse> FakeBackend::DeleteCredentials(
    const authpb::DeleteCredentialsRequest& request, const std::string&) {
  FAKE_CALL(authpb::DeleteCredentialsResponse, "auth.DeleteCredentials");
  passwords.erase(request.user_id());
  co_return Reply<authpb::DeleteCredentialsResponse>{grpc::Status::OK, {}};
}

Call<authpb::GetPublicKeyResponse> FakeBackend::GetPublicKey(const std::string&) {
  FAKE_CALL(authpb::GetPublicKeyResponse, "auth.GetPublicKey");
  authpb::GetPublicKeyResponse response;
  response.set_algorithm("EdDSA");
  response.set_public_key_pem(public_pem_);
  response.set_key_id("k1");
  response.set_issuer("fleetgate");
  co_return Reply<authpb::GetPublicKeyResponse>{grpc::Status::OK, response};
}

Call<healthpb::HealthCheckResponse> FakeBackend::Check(upstream::Service,
                                                       std::chrono::milliseconds) {
  healthpb::HealthCheckResponse response;
  response.set_status(serving ? healthpb::HealthCheckResponse::SERVING
                              : healthpb::HealthCheckResponse::NOT_SERVING);
  co_return Reply<healthpb::HealthCheckResponse>{grpc::Status::OK, response};
}

}  // namespace fleet::gateway::testing
