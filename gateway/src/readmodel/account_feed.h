#pragma once
// Keeps the user service's WatchAccounts feed open for the AccountModel (upstream::Subscription:
// reopened after a capped backoff; every loss drops the model's accounts, and reads go to
// user.GetUser until the next snapshot has ended). Call stop() on the result before the
// io_context goes.
#include <boost/asio/io_context.hpp>
#include <memory>

#include "readmodel/accounts.h"
#include "upstream/subscription.h"
#include "upstream/upstream.h"

namespace fleet::gateway::readmodel {

using AccountFeed = upstream::Subscription<userpb::AccountChange>;

std::shared_ptr<AccountFeed> follow_accounts(boost::asio::io_context& ioc,
                                             upstream::Upstream& upstream, AccountModel& model,
                                             upstream::Backoff backoff = {});

}  // namespace fleet::gateway::readmodel
