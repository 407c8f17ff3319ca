#pragma once
// The endpoint tables, one per surface (full paths, prefix included), plus the WebSocket rows.
#include "app/context.h"
#include "endpoint/endpoint.h"

namespace fleet::gateway::surfaces {

endpoint::Table rental_rows();
endpoint::Table rental_device_rows();  // rental's /device endpoints
endpoint::Table users_v1_rows();
endpoint::Table repair_rows();
endpoint::Table repair_shop_rows();  // repair's catalog, devices, orders, payments, assignments
endpoint::Table streetlight_rows();
endpoint::Table pisync_rows();
// /device/ws/timeleft/{device_id}, /device/ws/status/{device_id}, /api/v1/ws/{client_id}
endpoint::Table socket_rows();

// Every HTTP row of every surface, for routing and the OpenAPI document.
std::vector<endpoint::Table> http_tables();

// GET /healthz, GET /readyz, GET /metrics
void add_ops_routes(app::Routes& routes);

}  // namespace fleet::gateway::surfaces
