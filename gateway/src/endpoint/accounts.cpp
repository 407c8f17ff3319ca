#include "endpoint/accounts.h"

#include <algorithm>

#include "app/support.h"
#include "readmodel/accounts.h"

namespace fleet::gateway::endpoint {
namespace {

[[noreturn]] void user_not_found() { app::fail(404, "User not found"); }

}  // namespace

upstream::Call<userpb::GetUserResponse> find_account(app::Context& ctx, std::int64_t id) {
  using Found = readmodel::AccountModel::Found;
  auto* model = ctx.services.account_model;
  upstream::Reply<userpb::GetUserResponse> reply;
  if (model != nullptr) {
    auto read = model->account(id);
    if (read.found == Found::kFound) {
      *reply.message.mutable_account() = std::move(read.account);
      co_return reply;
    }
    if (read.found == Found::kDeleted) {
      reply.status = grpc::Status(grpc::StatusCode::NOT_FOUND, "User not found");
      co_return reply;
    }
  }
  // Taken before the call: a loss while it is in flight keeps its reply out of the model.
  const auto ticket = model != nullptr ? model->ticket() : std::nullopt;
  userpb::GetUserRequest request;
  request.set_id(id);
  reply = co_await ctx.services.upstream.call(&UserRpc::GetUser, request, ctx.request_id());
  if (reply.ok() && ticket) model->fill(*ticket, reply.message.account());
  co_return reply;
}

boost::asio::awaitable<userpb::Account> get_account(Call& call, std::int64_t id) {
  auto reply = co_await find_account(call.ctx, id);
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) user_not_found();
  if (!reply.ok()) app::fail_upstream(reply.status, "user.GetUser");
  co_return std::move(*reply.message.mutable_account());
}

boost::asio::awaitable<userpb::Account> get_self_or_account(Call& call, std::int64_t id) {
  if (call.principal && call.principal->id() == id) co_return *call.principal;
  co_return co_await get_account(call, id);
}

boost::asio::awaitable<std::vector<userpb::Account>> list_accounts(Call& call, std::int64_t offset,
                                                                   std::int64_t limit) {
  // The user service pages at most 1000 rows per call.
  constexpr std::int64_t kPage = 1000;
  std::vector<userpb::Account> accounts;
  while (limit > 0) {
    userpb::ListUsersRequest request;
    request.set_offset(offset);
    request.set_limit(std::min(limit, kPage));
    auto page = co_await call.rpc(&UserRpc::ListUsers, request);
    auto got = static_cast<std::int64_t>(page.accounts_size());
    for (auto& account : *page.mutable_accounts()) accounts.push_back(std::move(account));
    if (got < std::min(limit, kPage)) break;
    offset += got;
    limit -= got;
  }
  co_return accounts;
}

boost::asio::awaitable<userpb::Account> update_account(Call& call,
                                                       const userpb::UpdateUserRequest& request) {
  auto reply = co_await call.try_rpc(&UserRpc::UpdateUser, request);
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) user_not_found();
  if (!reply.ok()) throw UpstreamFailure(std::move(reply.status), "UpdateUserRequest");
  if (auto* model = call.ctx.services.account_model) model->apply(reply.message.account());
  co_return std::move(*reply.message.mutable_account());
}

boost::asio::awaitable<void> delete_account(Call& call, std::int64_t id) {
  userpb::DeleteUserRequest request;
  request.set_id(id);
  auto reply = co_await call.try_rpc(&UserRpc::DeleteUser, request);
  if (reply.status.error_code() == grpc::StatusCode::NOT_FOUND) user_not_found();
  if (!reply.ok()) app::fail_upstream(reply.status, "user.DeleteUser");
  if (auto* model = call.ctx.services.account_model)
    model->apply_deleted(id, reply.message.version());
  authpb::DeleteCredentialsRequest credentials;
  credentials.set_user_id(id);
  co_await call.rpc(&AuthRpc::DeleteCredentials, credentials);
}

boost::asio::awaitable<void> set_password(Call& call, std::int64_t id,
                                          const std::string& password) {
  authpb::SetPasswordRequest request;
  request.set_user_id(id);
  request.set_password(password);
  co_await call.rpc(&AuthRpc::SetPassword, request);
}

boost::asio::awaitable<authpb::RegisterResponse> register_account(
    Call& call, const authpb::RegisterRequest& request) {
  co_return co_await call.effect(&AuthRpc::Register, request);
}

boost::asio::awaitable<authpb::LoginResponse> login(Call& call,
                                                    const authpb::LoginRequest& request) {
  co_return co_await call.rpc(&AuthRpc::Login, request);
}

}  // namespace fleet::gateway::endpoint
