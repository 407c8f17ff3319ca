#include "support/accounts.h"

namespace fleet::gateway::testing {
namespace {

constexpr std::int64_t k20250110T100000 = 1736503200;

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

token::Signer signer_of(const std::string& private_pem, const Clock& clock) {
  // The kid auth would give it, as the key store picks keys by kid.
  return token::Signer(private_pem, "fleetgate",
                       token::key_id_of(token::public_key_pem_of(private_pem)),
                       std::chrono::hours(1), clock);
}

}  // namespace

userpb::Account make_account(std::int64_t id, userpb::Role role, std::string username,
                             std::string email, std::string phone) {
  userpb::Account a;
  a.set_id(id);
  if (!username.empty()) a.set_username(std::move(username));
  if (!email.empty()) a.set_email(std::move(email));
  if (!phone.empty()) a.set_phone(std::move(phone));
  a.set_role(role);
  a.set_is_active(true);
  a.mutable_created_at()->set_seconds(k20250110T100000);
  a.mutable_updated_at()->set_seconds(k20250110T100000);
  return a;
}

TokenSigner::TokenSigner(const Clock& clock)
    : private_pem_(token::generate_private_key_pem()),
      public_pem_(signer_of(private_pem_, clock).public_key_pem()),
      signer_(signer_of(private_pem_, clock)) {}

std::string TokenSigner::token_for(const userpb::Account& account) const {
  return signer_.sign(account.id(), role_name(account.role()));
}

authpb::GetPublicKeyResponse TokenSigner::public_key() const {
  authpb::GetPublicKeyResponse response;
  response.set_algorithm("EdDSA");
  response.set_public_key_pem(public_pem_);
  response.set_key_id(signer_.key_id());
  response.set_issuer("fleetgate");
  return response;
}

CannedAccounts::CannedAccounts(CannedUpstream& canned) {
  canned.on<userpb::GetUserRequest>(
      [this](const userpb::GetUserRequest& request, const Metadata&) -> RawReply {
        std::lock_guard lock(mutex_);
        auto found = accounts_.find(request.id());
        if (found == accounts_.end()) {
          return error(grpc::StatusCode::NOT_FOUND, std::string(kNotFoundText));
        }
        userpb::GetUserResponse response;
        *response.mutable_account() = found->second;
        return ok(response);
      });
}

void CannedAccounts::put(const userpb::Account& account) {
  std::lock_guard lock(mutex_);
  accounts_[account.id()] = account;
}

void CannedAccounts::erase(std::int64_t id) {
  std::lock_guard lock(mutex_);
  accounts_.erase(id);
}

}  // namespace fleet::gateway::testing
