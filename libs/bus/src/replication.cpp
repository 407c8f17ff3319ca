#include "fleet/bus/replication.h"

namespace fleet::bus {

Replication::Replication(const Settings& settings, const std::string& service,
                         std::string subject, Hooks hooks)
    : subject_(std::move(subject)), hooks_(std::move(hooks)) {
  if (!settings.enabled()) return;
  bus_ = std::make_unique<Bus>(settings, service, [this](Event event) { on_bus_event(event); });
  bus_->subscribe(subject_, [this](std::string_view payload) { hooks_.apply(payload); });
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
  if (hooks_.on_complete_changed && was_complete != complete_.load()) {
    hooks_.on_complete_changed(complete_.load());
  }
}

}  // namespace fleet::bus
