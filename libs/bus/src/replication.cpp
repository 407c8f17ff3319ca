#include "fleet/bus/replication.h"

#include "fleet/common/logging.h"

namespace fleet::bus {

Replication::Replication(const Settings& settings, const std::string& service,
                         std::string subject, Hooks hooks)
    : subject_(std::move(subject)), hooks_(std::move(hooks)) {
  if (!settings.enabled()) return;
  hooks_.set_complete(false);  // until the bus is up
  bus_ = std::make_unique<Bus>(settings, service, [this](Event event) { on_bus_event(event); });
  bus_->subscribe(subject_, [this](std::string_view payload) {
    if (hooks_.apply(payload)) return;
    // What it said is missed: start over.
    log::error("replica_change_unreadable",
               {{"subject", subject_}, {"bytes", static_cast<std::int64_t>(payload.size())}});
    hooks_.resync();
  });
}

Replication::~Replication() { bus_.reset(); }  // before the hooks go: no callback runs after

void Replication::send(std::string_view payload) {
  if (bus_) bus_->publish(subject_, payload);
}

void Replication::on_bus_event(Event event) {
  const bool was_complete = complete_.load();
  switch (event) {
    case Event::kConnected:
    case Event::kRestored:
      // What the others committed before (or while the bus was lost) never reached us: the
      // watchers begun meanwhile start over, now complete.
      complete_ = true;
      hooks_.resync();
      break;
    case Event::kLost:
      complete_ = false;
      hooks_.resync();
      break;
    case Event::kGap:
      hooks_.resync();
      break;
  }
  if (was_complete != complete_.load()) hooks_.set_complete(complete_.load());
}

}  // namespace fleet::bus
