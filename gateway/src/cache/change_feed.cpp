#include "cache/change_feed.h"

namespace fleet::gateway::cache {

std::shared_ptr<ChangeFeed> follow_changes(boost::asio::io_context& ioc,
                                           upstream::Upstream& upstream, ResponseCache& cache,
                                           app::Metrics& metrics, std::string_view service,
                                           upstream::Backoff backoff) {
  metrics.change_feed_current(service, false);
  // Events arrive in order on one stream at a time, so a first message is always its stream's.
  auto first = std::make_shared<bool>(true);
  std::string name(service);
  return ChangeFeed::start(
      ioc, name + " ChangeFeed.Watch",
      [&upstream, service = name,
       first](upstream::StreamCallbacks<upstream::changespb::Change> callbacks) {
        *first = true;
        return upstream.watch_changes(service, std::move(callbacks));
      },
      {.on_event =
           [&cache, &metrics, service = name, first](const upstream::changespb::Change& change) {
             if (*first) {
               *first = false;
               cache.on_live(service, change.version());
               metrics.change_feed_current(service, true);
             } else {
               cache.on_change(service, change.topic(), change.version());
             }
           },
       .on_lost =
           [&cache, &metrics, service = name](const grpc::Status&) {
             cache.on_lost(service);
             metrics.change_feed_current(service, false);
           }},
      backoff);
}

}  // namespace fleet::gateway::cache
