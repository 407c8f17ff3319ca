#pragma once
// The auth service's schema, applied in order by fleet::db::migrate at start.
#include "fleet/db/db.h"
#include "fleet/idempotency/store.h"

namespace fleet::auth {

// One statement each, and safe to re-run (DDL commits on its own, before the migration is
// recorded). Hashes, ids and PEMs are ASCII: binary collation, no case folding.
inline constexpr db::Migration kMigrations[] = {
    {1, "credentials",
     "CREATE TABLE IF NOT EXISTS credentials ("
     " user_id BIGINT NOT NULL PRIMARY KEY,"
     " password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " updated_at DATETIME(6) NOT NULL"
     ") ENGINE=InnoDB"},
    {2, "refresh_tokens",
     "CREATE TABLE IF NOT EXISTS refresh_tokens ("
     " id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
     " token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
     " user_id BIGINT NOT NULL,"
     " family_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
     " created_at DATETIME(6) NOT NULL,"
     " expires_at DATETIME(6) NOT NULL,"
     " revoked_at DATETIME(6) NULL,"
     " retired_at DATETIME(6) NULL,"
     " UNIQUE KEY uq_refresh_tokens_token_hash (token_hash),"
     " KEY ix_refresh_tokens_user_id (user_id),"
     " KEY ix_refresh_tokens_family_id (family_id)"
     ") ENGINE=InnoDB"},
    // Row id 1 holds the key that signs access tokens.
    {3, "signing_keys",
     "CREATE TABLE IF NOT EXISTS signing_keys ("
     " id INT NOT NULL PRIMARY KEY,"
     " key_id CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
     " private_key_pem TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
     " created_at DATETIME(6) NOT NULL"
     ") ENGINE=InnoDB"},
    // Exactly-once Register (libs/idempotency).
    idempotency::migration(4),
    // The refresh-token pruner's two conditions (refresh_token_pruner.h).
    {5, "refresh_tokens_expires_at",
     "CREATE INDEX IF NOT EXISTS ix_refresh_tokens_expires_at ON refresh_tokens (expires_at)"},
    {6, "refresh_tokens_revoked_at",
     "CREATE INDEX IF NOT EXISTS ix_refresh_tokens_revoked_at ON refresh_tokens (revoked_at)"},
    // A client error is stored with its key and replayed (issue 11 item 6).
    idempotency::error_migration(7),
};

}  // namespace fleet::auth
