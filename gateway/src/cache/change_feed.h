#pragma once
// Keeps each cached service's ChangeFeed.Watch open for the ResponseCache (upstream::Subscription:
// reopened after a capped backoff). The first message makes the service's entries servable, each
// change moves its topic's version, and a loss drops them all until the next first message.
// Call stop() on each result before the io_context goes.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string_view>

#include "app/metrics.h"
#include "cache/response_cache.h"
#include "upstream/subscription.h"
#include "upstream/upstream.h"

namespace fleet::gateway::cache {

using ChangeFeed = upstream::Subscription<upstream::changespb::Change>;

std::shared_ptr<ChangeFeed> follow_changes(boost::asio::io_context& ioc,
                                           upstream::Upstream& upstream, ResponseCache& cache,
                                           app::Metrics& metrics, std::string_view service,
                                           upstream::Backoff backoff = {});

}  // namespace fleet::gateway::cache
