#include "mariadb_auth_repository.h"

#include "fleet/db/nullable.h"

namespace fleet::auth {
namespace {

constexpr std::int64_t kActiveSigningKey = 1;

constexpr std::string_view kSelectToken =
    "SELECT id, user_id, family_id, expires_at, revoked_at, retired_at"
    " FROM refresh_tokens WHERE token_hash = ?";

RefreshTokenRecord to_record(const db::Row& row) {
  return {.id = row.i64(0),
          .user_id = row.i64(1),
          .family_id = row.str(2),
          .expires_at = db::parse_datetime(row.str(3)),
          .revoked_at = db::opt_time(row, 4),
          .retired_at = db::opt_time(row, 5)};
}

void insert_token(db::Connection& conn, const NewRefreshToken& t) {
  conn.execute(
      "INSERT INTO refresh_tokens (token_hash, user_id, family_id, created_at, expires_at)"
      " VALUES (?, ?, ?, ?, ?)",
      {t.token_hash, t.user_id, t.family_id, db::format_datetime(t.created_at),
       db::format_datetime(t.expires_at)});
}

// Operations on the one token row locked by with_locked_refresh_token.
class LockedToken final : public RefreshTokenTransaction {
 public:
  LockedToken(db::Connection& conn, std::optional<RefreshTokenRecord> token)
      : conn_(conn), token_(std::move(token)) {}

  const std::optional<RefreshTokenRecord>& token() const override { return token_; }
  void retire(TimePoint at) override {
    conn_.execute("UPDATE refresh_tokens SET retired_at = ? WHERE id = ?",
                  {db::format_datetime(at), require().id});
  }
  void revoke(TimePoint at) override {
    conn_.execute("UPDATE refresh_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                  {db::format_datetime(at), require().id});
  }
  void revoke_family(TimePoint at) override {
    conn_.execute(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
        {db::format_datetime(at), require().family_id});
  }
  void insert(const NewRefreshToken& token) override { insert_token(conn_, token); }

 private:
  const RefreshTokenRecord& require() const {
    if (!token_) throw std::logic_error("no refresh token is locked");
    return *token_;
  }
  db::Connection& conn_;
  std::optional<RefreshTokenRecord> token_;
};

// The credential writes of a transaction someone else opened (the idempotency key's).
class CredentialsOnConnection final : public CredentialTransaction {
 public:
  explicit CredentialsOnConnection(db::Connection& conn) : conn_(conn) {}
  void set_password_hash(std::int64_t user_id, const std::string& hash, TimePoint now) override {
    MariadbAuthRepository::set_password_hash(conn_, user_id, hash, now);
  }

 private:
  db::Connection& conn_;
};

}  // namespace

std::unique_ptr<CredentialTransaction> MariadbAuthRepository::transaction_on(db::Connection& conn) {
  return std::make_unique<CredentialsOnConnection>(conn);
}

std::optional<std::string> MariadbAuthRepository::find_password_hash(std::int64_t user_id) {
  auto row = pool_.acquire()->query_one("SELECT password_hash FROM credentials WHERE user_id = ?",
                                        {user_id});
  if (!row) return std::nullopt;
  return row->str(0);
}

void MariadbAuthRepository::set_password_hash(std::int64_t user_id, const std::string& hash,
                                              TimePoint now) {
  pool_.transact([&](db::Connection& conn) { set_password_hash(conn, user_id, hash, now); });
}

void MariadbAuthRepository::set_password_hash(db::Connection& conn, std::int64_t user_id,
                                              const std::string& hash, TimePoint now) {
  const std::string at = db::format_datetime(now);
  conn.execute(
      "INSERT INTO credentials (user_id, password_hash, created_at, updated_at)"
      " VALUES (?, ?, ?, ?)"
      " ON DUPLICATE KEY UPDATE password_hash = VALUES(password_hash),"
      " updated_at = VALUES(updated_at)",
      {user_id, hash, at, at});
  conn.execute("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
               {at, user_id});
}

bool MariadbAuthRepository::replace_password_hash(std::int64_t user_id, const std::string& old_hash,
                                                  const std::string& new_hash, TimePoint now) {
  // One conditional UPDATE: atomic on its own, and a concurrent SetPassword is never undone.
  bool replaced = false;
  pool_.transact([&](db::Connection& conn) {
    replaced = conn.execute(
                   "UPDATE credentials SET password_hash = ?, updated_at = ?"
                   " WHERE user_id = ? AND password_hash = ?",
                   {new_hash, db::format_datetime(now), user_id, old_hash}) == 1;
  });
  return replaced;
}

bool MariadbAuthRepository::insert_password_hash_if_absent(std::int64_t user_id,
                                                           const std::string& hash, TimePoint now) {
  const std::string at = db::format_datetime(now);
  try {
    pool_.acquire()->execute(
        "INSERT INTO credentials (user_id, password_hash, created_at, updated_at)"
        " VALUES (?, ?, ?, ?)",
        {user_id, hash, at, at});
    return true;
  } catch (const db::DuplicateKey&) {
    return false;
  }
}

void MariadbAuthRepository::delete_credentials(std::int64_t user_id) {
  pool_.transact([&](db::Connection& conn) {
    conn.execute("DELETE FROM credentials WHERE user_id = ?", {user_id});
    conn.execute("DELETE FROM refresh_tokens WHERE user_id = ?", {user_id});
  });
}

void MariadbAuthRepository::insert_refresh_token(const NewRefreshToken& token) {
  insert_token(*pool_.acquire(), token);
}

std::optional<RefreshTokenRecord> MariadbAuthRepository::find_refresh_token(
    const std::string& token_hash) {
  auto row = pool_.acquire()->query_one(kSelectToken, {token_hash});
  if (!row) return std::nullopt;
  return to_record(*row);
}

void MariadbAuthRepository::with_locked_refresh_token(
    const std::string& token_hash, const std::function<void(RefreshTokenTransaction&)>& work) {
  pool_.transact([&](db::Connection& conn) {
    const std::string sql = std::string(kSelectToken) + " FOR UPDATE";
    auto row = conn.query_one(sql, {token_hash});
    LockedToken locked(conn, row ? std::optional(to_record(*row)) : std::nullopt);
    work(locked);
  });
}

std::size_t MariadbAuthRepository::delete_dead_refresh_tokens(TimePoint now, std::size_t limit) {
  // One short statement per batch (autocommit): its row locks are held only while it runs, and
  // the indexes on expires_at and revoked_at (migrations 5, 6) keep it from scanning live rows.
  return static_cast<std::size_t>(pool_.acquire()->execute(
      "DELETE FROM refresh_tokens WHERE expires_at <= ? OR revoked_at IS NOT NULL LIMIT ?",
      {db::format_datetime(now), static_cast<std::int64_t>(limit)}));
}

std::string MariadbAuthRepository::insert_signing_key_if_absent(const std::string& private_key_pem,
                                                                const std::string& key_id,
                                                                TimePoint now) {
  auto conn = pool_.acquire();
  try {
    conn->execute(
        "INSERT INTO signing_keys (id, key_id, private_key_pem, created_at) VALUES (?, ?, ?, ?)",
        {kActiveSigningKey, key_id, private_key_pem, db::format_datetime(now)});
  } catch (const db::DuplicateKey&) {
    // Another start stored its key first; everyone uses that one.
  }
  auto row =
      conn->query_one("SELECT private_key_pem FROM signing_keys WHERE id = ?", {kActiveSigningKey});
  if (!row) throw db::Error(0, "signing key vanished after insert");
  return row->str(0);
}

}  // namespace fleet::auth
