#include "surfaces/routes.h"

namespace fleet::gateway::surfaces {

std::vector<endpoint::Table> http_tables() {
  return {rental_rows(),      rental_device_rows(), users_v1_rows(), repair_rows(),
          repair_shop_rows(), streetlight_rows(),   pisync_rows()};
}

}  // namespace fleet::gateway::surfaces
