#pragma once
// Each surface registers its routes (full paths, prefix included).
#include "app/context.h"

namespace fleet::gateway::surfaces {

void add_rental_routes(app::Routes& routes);
void add_users_v1_routes(app::Routes& routes);
void add_repair_routes(app::Routes& routes);
void add_streetlight_routes(app::Routes& routes);
void add_pisync_routes(app::Routes& routes);
// GET /healthz, GET /readyz
void add_ops_routes(app::Routes& routes);

}  // namespace fleet::gateway::surfaces
