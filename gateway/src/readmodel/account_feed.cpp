#include "readmodel/account_feed.h"

namespace fleet::gateway::readmodel {

std::shared_ptr<AccountFeed> follow_accounts(boost::asio::io_context& ioc,
                                             upstream::Upstream& upstream, AccountModel& model,
                                             upstream::Backoff backoff) {
  return AccountFeed::start(
      ioc, "user.WatchAccounts",
      [&upstream](upstream::StreamCallbacks<userpb::AccountChange> callbacks) {
        const userpb::WatchAccountsRequest request;
        return upstream.stream(&upstream::UserRpc::WatchAccounts, request, std::move(callbacks));
      },
      {.on_event = [&model](const userpb::AccountChange& change) { model.on_change(change); },
       .on_lost = [&model](const grpc::Status&) { model.on_lost(); }},
      backoff);
}

}  // namespace fleet::gateway::readmodel
