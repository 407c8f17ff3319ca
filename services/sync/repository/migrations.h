#pragma once
// The sync schema, applied in order by fleet::db::migrate at start. Times are UTC DATETIME(6).
#include "fleet/db/db.h"

namespace fleet::sync {

inline constexpr db::Migration kMigrations[] = {
    {1, "create_devices",
     "CREATE TABLE IF NOT EXISTS devices ("
     " id BIGINT NOT NULL PRIMARY KEY,"
     " name VARCHAR(255) NOT NULL,"
     " type VARCHAR(64) NOT NULL,"
     // The last attempt, denormalized from sync_attempts so that a device reads in one row.
     " last_sync_at DATETIME(6) NULL,"
     " sync_status_code SMALLINT NULL,"
     " error_message VARCHAR(255) NULL,"
     " last_attempt_at DATETIME(6) NULL"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {2, "create_sync_attempts",
     "CREATE TABLE IF NOT EXISTS sync_attempts ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " device_id BIGINT NOT NULL,"
     " status_code SMALLINT NOT NULL,"
     " error_message VARCHAR(255) NULL,"
     " attempted_at DATETIME(6) NOT NULL,"
     " actor_user_id BIGINT NULL,"
     " KEY ix_sync_attempts_device (device_id, id),"
     " CONSTRAINT fk_sync_attempts_device FOREIGN KEY (device_id) REFERENCES devices (id)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
};

}  // namespace fleet::sync
