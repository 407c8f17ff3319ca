#include "auth_service.h"

#include <memory>
#include <utility>

#include "api/account_convert.h"
#include "fleet/common/error.h"
#include "fleet/idempotency/unary.h"
#include "fleet/rpc/unary.h"
#include "user_directory_client.h"

namespace fleet::auth {
namespace {

namespace pb = fleetgate::auth::v1;

LoginIdentifier identifier_of(const pb::LoginRequest& request) {
  switch (request.identifier_case()) {
    case pb::LoginRequest::kUsername:
      return {LoginIdentifier::Kind::kUsername, request.username()};
    case pb::LoginRequest::kEmail:
      return {LoginIdentifier::Kind::kEmail, request.email()};
    case pb::LoginRequest::kPhone:
      return {LoginIdentifier::Kind::kPhone, request.phone()};
    case pb::LoginRequest::IDENTIFIER_NOT_SET:
      break;
  }
  throw DomainError(ErrorCode::kInvalidArgument, "Username, email or phone is required");
}

}  // namespace

namespace {

void fill(pb::RegisterResponse& response, AuthDomain::Registered result,
          std::chrono::seconds access_token_ttl) {
  to_proto(result.account, response.mutable_account());
  if (!result.access_token.empty()) {
    response.set_access_token(std::move(result.access_token));
    response.set_expires_in(access_token_ttl.count());
  }
}

}  // namespace

grpc::ServerUnaryReactor* AuthService::Register(grpc::CallbackServerContext* context,
                                                const pb::RegisterRequest* request,
                                                pb::RegisterResponse* response) {
  if (!exactly_once_) {
    return rpc::run_bounded_unary(context, hashing_, [=, this] {
      GrpcUserDirectory users(users_, context);
      fill(*response,
           domain_.register_account(users, new_account_of(request->account()), request->password(),
                                    request->issue_access_token()),
           domain_.access_token_ttl());
    });
  }
  // The response (access token included) is built inside the effect, so a replay returns the
  // very same bytes. The effect runs again if the transaction is retried after a deadlock: the
  // account an earlier attempt created (its credential rolled back) is undone first.
  // The ticket rides in the effect, so the place in the hashing pool is held until it has run.
  rpc::BoundedPool::Ticket ticket = hashing_.try_admit();
  if (!ticket) return rpc::refuse_overloaded(context);
  auto created = std::make_shared<std::int64_t>(0);
  return idempotency::run_unary(
      context, hashing_.workers(), exactly_once_->store, response, exactly_once_->open_transaction,
      [=, this, ticket = std::move(ticket)](CredentialTransaction& tx) {
        GrpcUserDirectory users(users_, context);
        if (*created != 0) domain_.undo_registration(users, std::exchange(*created, 0));
        auto result = domain_.register_account(
            users, new_account_of(request->account()), request->password(),
            request->issue_access_token(),
            [&](std::int64_t user_id, const std::string& hash, TimePoint now) {
              tx.set_password_hash(user_id, hash, now);
            });
        *created = result.account.id;
        fill(*response, std::move(result), domain_.access_token_ttl());
      },
      /*after_commit=*/{},
      // The commit failed or its outcome is unknown: an account without a credential is undone.
      [=, this] {
        if (*created == 0) return;
        GrpcUserDirectory users(users_, context);
        domain_.undo_registration_if_uncommitted(users, std::exchange(*created, 0));
      });
}

grpc::ServerUnaryReactor* AuthService::Login(grpc::CallbackServerContext* context,
                                             const pb::LoginRequest* request,
                                             pb::LoginResponse* response) {
  return rpc::run_bounded_unary(context, hashing_, [=, this] {
    GrpcUserDirectory users(users_, context);
    auto result = domain_.login(users, identifier_of(*request), request->password(),
                                request->issue_refresh_token());
    to_proto(result.account, response->mutable_account());
    response->set_access_token(std::move(result.access_token));
    response->set_refresh_token(std::move(result.refresh_token));
    response->set_expires_in(domain_.access_token_ttl().count());
  });
}

grpc::ServerUnaryReactor* AuthService::Refresh(grpc::CallbackServerContext* context,
                                               const pb::RefreshRequest* request,
                                               pb::RefreshResponse* response) {
  return rpc::run_unary(context, workers_, [=, this] {
    GrpcUserDirectory users(users_, context);
    auto result = domain_.refresh(users, request->refresh_token());
    response->set_access_token(std::move(result.access_token));
    response->set_refresh_token(std::move(result.refresh_token));
    response->set_expires_in(domain_.access_token_ttl().count());
  });
}

grpc::ServerUnaryReactor* AuthService::Logout(grpc::CallbackServerContext* context,
                                              const pb::LogoutRequest* request,
                                              pb::LogoutResponse*) {
  return rpc::run_unary(context, workers_, [=, this] { domain_.logout(request->refresh_token()); });
}

grpc::ServerUnaryReactor* AuthService::SetPassword(grpc::CallbackServerContext* context,
                                                   const pb::SetPasswordRequest* request,
                                                   pb::SetPasswordResponse*) {
  return rpc::run_bounded_unary(context, hashing_, [=, this] {
    domain_.set_password(request->user_id(), request->password());
  });
}

grpc::ServerUnaryReactor* AuthService::DeleteCredentials(
    grpc::CallbackServerContext* context, const pb::DeleteCredentialsRequest* request,
    pb::DeleteCredentialsResponse*) {
  return rpc::run_unary(context, workers_,
                        [=, this] { domain_.delete_credentials(request->user_id()); });
}

grpc::ServerUnaryReactor* AuthService::GetPublicKey(grpc::CallbackServerContext* context,
                                                    const pb::GetPublicKeyRequest*,
                                                    pb::GetPublicKeyResponse* response) {
  // No blocking work: answered on the gRPC thread.
  const PublicKeyInfo& key = domain_.public_key();
  response->set_algorithm(key.algorithm);
  response->set_public_key_pem(key.public_key_pem);
  response->set_key_id(key.key_id);
  response->set_issuer(key.issuer);
  for (const auto& published : domain_.published_keys()) {
    auto* entry = response->add_keys();
    entry->set_key_id(published.key_id);
    entry->set_public_key_pem(published.public_key_pem);
    if (published.verify_until) {
      entry->set_verify_until(std::chrono::duration_cast<std::chrono::seconds>(
                                  published.verify_until->time_since_epoch())
                                  .count());
    }
  }
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace fleet::auth
