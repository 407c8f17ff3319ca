#pragma once
// The device-session schema, applied in order by fleet::db::migrate at start. Money columns are
// DECIMAL; times are UTC DATETIME(6).
#include "fleet/db/db.h"
#include "fleet/idempotency/store.h"

namespace fleet::device_session {

inline constexpr db::Migration kMigrations[] = {
    {1, "create_devices",
     "CREATE TABLE IF NOT EXISTS devices ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " name VARCHAR(255) NOT NULL,"
     " type VARCHAR(64) NOT NULL,"
     " hourly_cost DECIMAL(10,2) NOT NULL,"
     // The current session, denormalized so that a device reads in one row; all three are NULL
     // when the device is free.
     " user_id BIGINT NULL,"
     " end_time DATETIME(6) NULL,"
     " session_id BIGINT NULL,"
     " KEY ix_devices_end_time (end_time)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {2, "create_sessions",
     "CREATE TABLE IF NOT EXISTS sessions ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " device_id BIGINT NOT NULL,"
     " user_id BIGINT NOT NULL,"
     " started_at DATETIME(6) NOT NULL,"
     " end_time DATETIME(6) NOT NULL,"
     " ended_at DATETIME(6) NULL,"
     " end_reason ENUM('stopped', 'expired') NULL,"
     " charged DECIMAL(12,2) NOT NULL,"
     " refunded DECIMAL(12,2) NULL,"
     " KEY ix_sessions_device (device_id, id),"
     " KEY ix_sessions_user (user_id, id),"
     " CONSTRAINT fk_sessions_device FOREIGN KEY (device_id) REFERENCES devices (id)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {3, "create_wallets",
     "CREATE TABLE IF NOT EXISTS wallets ("
     " user_id BIGINT NOT NULL PRIMARY KEY,"
     " cash DECIMAL(12,2) NOT NULL,"
     " updated_at DATETIME(6) NOT NULL,"
     " CONSTRAINT ck_wallets_cash CHECK (cash >= 0)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    {4, "create_ledger",
     "CREATE TABLE IF NOT EXISTS ledger ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " user_id BIGINT NOT NULL,"
     " kind ENUM('charge', 'refund', 'adjustment') NOT NULL,"
     " amount DECIMAL(12,2) NOT NULL,"  // signed: a charge is negative
     " balance_after DECIMAL(12,2) NOT NULL,"
     " device_id BIGINT NULL,"
     " session_id BIGINT NULL,"
     " actor_user_id BIGINT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " KEY ix_ledger_user (user_id, id)"
     ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"},
    idempotency::migration(5),
    // Orders a device's states for the WatchDevices feed and the gateway's read model.
    {6, "add_devices_version",
     "ALTER TABLE devices ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT 0"},
    // A client error is stored with its key and replayed (issue 11 item 6).
    idempotency::error_migration(7),
};

}  // namespace fleet::device_session
