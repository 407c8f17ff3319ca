#pragma once
// The user service's schema, applied in order by fleet::db::migrate at start.
#include "fleet/db/db.h"

namespace fleet::user {

inline constexpr db::Migration kMigrations[] = {
    {1, "create_users",
     "CREATE TABLE IF NOT EXISTS users ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " username VARCHAR(150) NULL,"
     " email VARCHAR(254) NULL,"
     " phone VARCHAR(32) NULL,"
     " full_name VARCHAR(255) NULL,"
     " role ENUM('user', 'operator', 'admin') NOT NULL,"
     " city VARCHAR(120) NULL,"
     " profile_picture VARCHAR(2048) NULL,"
     " is_active BOOL NOT NULL DEFAULT 1,"
     " created_at DATETIME(6) NOT NULL,"
     " updated_at DATETIME(6) NOT NULL,"
     // Unique where present: InnoDB lets any number of rows hold NULL.
     " UNIQUE KEY uq_users_username (username),"
     " UNIQUE KEY uq_users_email (email),"
     " UNIQUE KEY uq_users_phone (phone)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    // The gateway accepts names up to 255 characters on every surface.
    {2, "widen_username_and_city",
     "ALTER TABLE users MODIFY username VARCHAR(255) NULL, MODIFY city VARCHAR(255) NULL"},
    // Bumped with every change (WatchAccounts readers keep the newest copy of an account).
    {3, "add_users_version", "ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1"},
};

}  // namespace fleet::user
