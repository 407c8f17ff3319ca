#include "fleet/changes/feed.h"

#include "fleet/changes/watch_status.h"
#include "fleet/common/logging.h"

namespace fleet::changes {
namespace {

namespace v1 = ::fleetgate::changes::v1;

// One Watch stream: owns itself until OnDone; the publisher holds it weakly.
class FeedReactor final : public grpc::ServerWriteReactor<v1::Change>, public ChangeWatcher {
 public:
  static FeedReactor* open(Publisher& publisher, std::size_t capacity) {
    std::shared_ptr<FeedReactor> reactor(new FeedReactor(publisher, capacity));
    reactor->self_ = reactor;
    reactor->ticket_ = publisher.subscribe(reactor);
    return reactor.get();
  }

  void OnWriteDone(bool ok) override { write_done(ok); }
  void OnCancel() override { end(End::kCancelled); }
  void OnDone() override {
    publisher_.unsubscribe(ticket_);
    // The last owner may be this very reference: release it as the final act.
    auto self = std::move(self_);
  }

 private:
  FeedReactor(Publisher& publisher, std::size_t capacity)
      : ChangeWatcher(capacity), publisher_(publisher) {}

  void start_write(const Change& change) override {
    message_.set_topic(change.topic);
    message_.set_version(change.version);
    StartWrite(&message_);
  }
  void finish(End reason) override {
    if (reason == End::kOverflow) log::warn("change_watcher_overflow");
    Finish(watch_status(reason));
  }

  Publisher& publisher_;
  Publisher::Ticket ticket_ = 0;
  v1::Change message_;  // the message being written; one write at a time
  std::shared_ptr<FeedReactor> self_;
};

}  // namespace

grpc::ServerWriteReactor<v1::Change>* ChangeFeedService::Watch(grpc::CallbackServerContext*,
                                                               const v1::WatchRequest*) {
  return FeedReactor::open(publisher_, capacity_);
}

void publish_committed(grpc::CallbackServerContext& context, Publisher& publisher,
                       std::string_view topic) {
  const auto version = publisher.publish(topic);
  context.AddTrailingMetadata(std::string(kVersionTrailer),
                              std::string(topic) + "=" + std::to_string(version));
}

}  // namespace fleet::changes
