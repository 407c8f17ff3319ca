#pragma once
// The streetlight schema, applied in order by fleet::db::migrate at start. Cities and light ids
// compare case-insensitively (utf8mb4_unicode_ci); times are UTC DATETIME(6); coordinates are
// exact DECIMAL(9,6).
#include "fleet/db/db.h"
#include "fleet/idempotency/store.h"

namespace fleet::streetlight {

inline constexpr db::Migration kMigrations[] = {
    {1, "create_cities",
     "CREATE TABLE IF NOT EXISTS cities ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " name VARCHAR(128) NOT NULL,"
     " UNIQUE KEY uq_cities_name (name)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {2, "create_lights",
     "CREATE TABLE IF NOT EXISTS lights ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " light_id VARCHAR(32) NOT NULL,"
     " name VARCHAR(255) NOT NULL,"
     " city_id BIGINT NOT NULL,"
     " latitude DECIMAL(9,6) NOT NULL,"
     " longitude DECIMAL(9,6) NOT NULL,"
     " address VARCHAR(255) NOT NULL,"
     " status ENUM('on', 'off', 'error') NOT NULL,"
     " is_automatic TINYINT(1) NOT NULL DEFAULT 1,"
     " brightness INT NOT NULL DEFAULT 100,"
     " last_status_change DATETIME(6) NOT NULL,"
     " error_details VARCHAR(500) NULL,"
     " UNIQUE KEY uq_lights_light_id (light_id),"
     " KEY ix_lights_city (city_id, id),"
     " CONSTRAINT fk_lights_city FOREIGN KEY (city_id) REFERENCES cities (id),"
     " CONSTRAINT ck_lights_brightness CHECK (brightness BETWEEN 0 AND 100)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {3, "create_control_logs",
     "CREATE TABLE IF NOT EXISTS control_logs ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " light_id BIGINT NOT NULL,"  // lights.id
     " action VARCHAR(16) NOT NULL,"
     " performed_by VARCHAR(255) NOT NULL,"
     " control_type ENUM('manual', 'automatic') NOT NULL,"
     " previous_status ENUM('on', 'off', 'error') NOT NULL,"
     " new_status ENUM('on', 'off', 'error') NOT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " KEY ix_control_logs_light (light_id, id),"
     " CONSTRAINT fk_control_logs_light FOREIGN KEY (light_id) REFERENCES lights (id)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    idempotency::migration(4),
    // A client error is stored with its key and replayed (issue 11 item 6).
    idempotency::error_migration(5),
};

}  // namespace fleet::streetlight
