#pragma once
// Credentials, refresh tokens and the signing key in the auth service's MariaDB database.
// Prepared statements only; times are the domain clock's, stored as UTC DATETIME(6).
#include <memory>

#include "domain/credential_repository.h"
#include "fleet/db/db.h"

namespace fleet::auth {

class MariadbAuthRepository final : public CredentialRepository, public SigningKeyStore {
 public:
  explicit MariadbAuthRepository(db::Pool& pool) : pool_(pool) {}

  std::optional<std::string> find_password_hash(std::int64_t user_id) override;
  void set_password_hash(std::int64_t user_id, const std::string& hash, TimePoint now) override;
  // The same on `conn`, inside the caller's transaction (exactly-once registration stores the
  // credential in the idempotency key's transaction).
  static void set_password_hash(db::Connection& conn, std::int64_t user_id, const std::string& hash,
                                TimePoint now);
  // A CredentialTransaction on `conn`: the factory that main() gives the adapter for
  // exactly-once registration (idempotency::TransactionFactory).
  static std::unique_ptr<CredentialTransaction> transaction_on(db::Connection& conn);
  bool replace_password_hash(std::int64_t user_id, const std::string& old_hash,
                             const std::string& new_hash, TimePoint now) override;
  bool insert_password_hash_if_absent(std::int64_t user_id, const std::string& hash,
                                      TimePoint now) override;
  void delete_credentials(std::int64_t user_id) override;

  void insert_refresh_token(const NewRefreshToken& token) override;
  std::optional<RefreshTokenRecord> find_refresh_token(const std::string& token_hash) override;
  void with_locked_refresh_token(
      const std::string& token_hash,
      const std::function<void(RefreshTokenTransaction&)>& work) override;
  std::size_t delete_dead_refresh_tokens(TimePoint now, std::size_t limit) override;

  std::string insert_signing_key_if_absent(const std::string& private_key_pem,
                                           const std::string& key_id, TimePoint now) override;

 private:
  db::Pool& pool_;
};

}  // namespace fleet::auth
