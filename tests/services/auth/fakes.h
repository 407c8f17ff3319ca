#pragma once
// In-memory stand-ins for the auth domain's collaborators.
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "domain/credential_repository.h"
#include "domain/user_directory.h"
#include "fleet/common/error.h"

namespace fleet::auth::testing {

class FakeUserDirectory final : public UserDirectory {
 public:
  Account create_user(const NewAccount& n) override {
    std::lock_guard lock(mutex_);
    check_available();
    for (const auto& [id, a] : accounts) {
      if (n.username && a.username == n.username) {
        throw DomainError(ErrorCode::kAlreadyExists, "Username already exists");
      }
      if (n.email && a.email == n.email) {
        throw DomainError(ErrorCode::kAlreadyExists, "Email already registered");
      }
      if (n.phone && a.phone == n.phone) {
        throw DomainError(ErrorCode::kAlreadyExists, "Phone already registered");
      }
    }
    Account a;
    a.id = next_id_++;
    a.username = n.username;
    a.email = n.email;
    a.phone = n.phone;
    a.full_name = n.full_name;
    a.role = n.role == Role::kUnspecified ? Role::kUser : n.role;
    a.is_active = true;
    accounts[a.id] = a;
    return a;
  }
  std::optional<Account> get_user(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    check_available();
    auto it = accounts.find(id);
    if (it == accounts.end()) return std::nullopt;
    return it->second;
  }
  std::optional<Account> find_user(const LoginIdentifier& identifier) override {
    std::lock_guard lock(mutex_);
    check_available();
    ++find_calls;
    for (const auto& [id, a] : accounts) {
      using Kind = LoginIdentifier::Kind;
      if ((identifier.kind == Kind::kUsername && a.username == identifier.value) ||
          (identifier.kind == Kind::kEmail && a.email == identifier.value) ||
          (identifier.kind == Kind::kPhone && a.phone == identifier.value)) {
        return a;
      }
    }
    return std::nullopt;
  }
  void delete_user(std::int64_t id) override {
    std::lock_guard lock(mutex_);
    check_available();
    accounts.erase(id);
    deleted.push_back(id);
  }

  Account& account(std::int64_t id) { return accounts.at(id); }

  std::map<std::int64_t, Account> accounts;
  std::vector<std::int64_t> deleted;
  int find_calls = 0;
  bool unavailable = false;

 private:
  void check_available() const {
    if (unavailable) throw DomainError(ErrorCode::kUnavailable, "Service unavailable");
  }
  std::mutex mutex_;
  std::int64_t next_id_ = 1;
};

class FakeCredentialRepository final : public CredentialRepository, public SigningKeyStore {
 public:
  struct StoredToken {
    std::string hash;
    RefreshTokenRecord record;
  };

  std::optional<std::string> find_password_hash(std::int64_t user_id) override {
    std::lock_guard lock(mutex_);
    auto it = hashes.find(user_id);
    if (it == hashes.end()) return std::nullopt;
    return it->second;
  }
  void set_password_hash(std::int64_t user_id, const std::string& hash, TimePoint now) override {
    std::lock_guard lock(mutex_);
    if (fail_writes) throw std::runtime_error("database write failed");
    hashes[user_id] = hash;
    for (auto& t : tokens) {
      if (t.record.user_id == user_id && !t.record.revoked_at) t.record.revoked_at = now;
    }
  }
  bool replace_password_hash(std::int64_t user_id, const std::string& old_hash,
                             const std::string& new_hash, TimePoint) override {
    std::lock_guard lock(mutex_);
    if (fail_writes) throw std::runtime_error("database write failed");
    auto it = hashes.find(user_id);
    if (it == hashes.end() || it->second != old_hash) return false;
    it->second = new_hash;
    return true;
  }
  bool insert_password_hash_if_absent(std::int64_t user_id, const std::string& hash,
                                      TimePoint) override {
    std::lock_guard lock(mutex_);
    if (fail_writes) throw std::runtime_error("database write failed");
    return hashes.emplace(user_id, hash).second;
  }
  void delete_credentials(std::int64_t user_id) override {
    std::lock_guard lock(mutex_);
    hashes.erase(user_id);
    std::erase_if(tokens, [&](const StoredToken& t) { return t.record.user_id == user_id; });
  }
  void insert_refresh_token(const NewRefreshToken& token) override {
    std::lock_guard lock(mutex_);
    insert_locked(token);
  }
  std::optional<RefreshTokenRecord> find_refresh_token(const std::string& token_hash) override {
    std::lock_guard lock(mutex_);
    for (const auto& t : tokens) {
      if (t.hash == token_hash) return t.record;
    }
    return std::nullopt;
  }
  // The whole fake is locked for the transaction; a throw restores the snapshot (rollback).
  void with_locked_refresh_token(
      const std::string& token_hash,
      const std::function<void(RefreshTokenTransaction&)>& work) override {
    std::lock_guard lock(mutex_);
    const auto snapshot = tokens;
    Tx tx(*this, token_hash);
    try {
      work(tx);
    } catch (...) {
      tokens = snapshot;
      throw;
    }
  }
  std::size_t delete_dead_refresh_tokens(TimePoint now, std::size_t limit) override {
    std::lock_guard lock(mutex_);
    std::size_t deleted = 0;
    std::erase_if(tokens, [&](const StoredToken& t) {
      const bool dead = t.record.expires_at <= now || t.record.revoked_at.has_value();
      return dead && deleted < limit && ++deleted;
    });
    return deleted;
  }
  std::string insert_signing_key_if_absent(const std::string& pem, const std::string&,
                                           TimePoint) override {
    std::lock_guard lock(mutex_);
    if (signing_key.empty()) signing_key = pem;
    return signing_key;
  }

  std::map<std::int64_t, std::string> hashes;
  std::vector<StoredToken> tokens;
  std::string signing_key;
  bool fail_writes = false;

 private:
  class Tx final : public RefreshTokenTransaction {
   public:
    Tx(FakeCredentialRepository& repo, const std::string& hash) : repo_(repo) {
      for (const auto& t : repo.tokens) {
        if (t.hash == hash) token_ = t.record;
      }
    }
    const std::optional<RefreshTokenRecord>& token() const override { return token_; }
    void retire(TimePoint at) override { find().retired_at = at; }
    void revoke(TimePoint at) override { find().revoked_at = at; }
    void revoke_family(TimePoint at) override {
      for (auto& t : repo_.tokens) {
        if (t.record.family_id == token_->family_id && !t.record.revoked_at)
          t.record.revoked_at = at;
      }
    }
    void insert(const NewRefreshToken& token) override { repo_.insert_locked(token); }

   private:
    RefreshTokenRecord& find() {
      for (auto& t : repo_.tokens) {
        if (t.record.id == token_->id) return t.record;
      }
      throw std::logic_error("locked token vanished");
    }
    FakeCredentialRepository& repo_;
    std::optional<RefreshTokenRecord> token_;
  };

  void insert_locked(const NewRefreshToken& token) {
    if (fail_writes) throw std::runtime_error("database write failed");
    RefreshTokenRecord r;
    r.id = next_token_id_++;
    r.user_id = token.user_id;
    r.family_id = token.family_id;
    r.expires_at = token.expires_at;
    tokens.push_back({token.token_hash, r});
  }

  std::recursive_mutex mutex_;
  std::int64_t next_token_id_ = 1;
};

}  // namespace fleet::auth::testing
