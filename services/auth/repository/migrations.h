#pragma once
// The auth database schema, applied at start by fleet::db::migrate.
#include <span>

#include "fleet/db/db.h"

namespace fleet::auth {

std::span<const db::Migration> migrations();

}  // namespace fleet::auth
