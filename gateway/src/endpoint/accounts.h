#pragma once
// Account operations that several surfaces' rows share: each spans the user and auth services
// and maps their failures once ("User not found" for a missing account).
#include <vector>

#include "endpoint/call.h"

namespace fleet::gateway::endpoint {

// The account by id with user.GetUser's status: from the account read model while it is current
// (an account it knows is deleted is NOT_FOUND at once), else from the user service, whose reply
// then fills the model.
upstream::Call<userpb::GetUserResponse> find_account(app::Context& ctx, std::int64_t id);

boost::asio::awaitable<userpb::Account> get_account(Call& call, std::int64_t id);
// The acting account itself when `id` is theirs, without another call.
boost::asio::awaitable<userpb::Account> get_self_or_account(Call& call, std::int64_t id);
boost::asio::awaitable<std::vector<userpb::Account>> list_accounts(Call& call, std::int64_t offset,
                                                                   std::int64_t limit);
boost::asio::awaitable<userpb::Account> update_account(Call& call,
                                                       const userpb::UpdateUserRequest& request);
// Writes apply their reply (with its version) to the account read model before answering, so
// the caller's next read sees them.
// user.DeleteUser, then auth.DeleteCredentials.
boost::asio::awaitable<void> delete_account(Call& call, std::int64_t id);
boost::asio::awaitable<void> set_password(Call& call, std::int64_t id, const std::string& password);

// auth.Register as the row's effect (exactly once per X-Idempotency-Key).
boost::asio::awaitable<authpb::RegisterResponse> register_account(
    Call& call, const authpb::RegisterRequest& request);
// auth.Login; a refusal goes through the row's error rules (UNAUTHENTICATED: the surface's
// "wrong credentials" text).
boost::asio::awaitable<authpb::LoginResponse> login(Call& call,
                                                    const authpb::LoginRequest& request);

}  // namespace fleet::gateway::endpoint
