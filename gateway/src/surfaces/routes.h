#pragma once
// Each surface registers its routes (full paths, prefix included).
#include "app/context.h"

namespace fleet::gateway::surfaces {

void add_rental_routes(app::Routes& routes);
// rental's /device endpoints
void add_rental_device_routes(app::Routes& routes);
void add_users_v1_routes(app::Routes& routes);
void add_repair_routes(app::Routes& routes);
void add_streetlight_routes(app::Routes& routes);
void add_pisync_routes(app::Routes& routes);
// GET /healthz, GET /readyz, GET /metrics
void add_ops_routes(app::Routes& routes);
// WebSockets: /device/ws/timeleft/{device_id}, /device/ws/status/{device_id},
// /api/v1/ws/{client_id}
void add_socket_routes(app::SocketRoutes& routes);

}  // namespace fleet::gateway::surfaces
