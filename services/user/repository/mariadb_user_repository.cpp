#include "repository/mariadb_user_repository.h"

#include "fleet/db/nullable.h"

namespace fleet::user {
namespace {

constexpr std::string_view kSelect =
    "SELECT id, username, email, phone, full_name, role, city, profile_picture, is_active,"
    " created_at, updated_at, version FROM users ";

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kOperator:
      return "operator";
    case Role::kAdmin:
      return "admin";
    case Role::kUser:
      break;
  }
  return "user";
}

Role role_of(const std::string& name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "operator") return Role::kOperator;
  return Role::kUser;
}

Account account_of(const db::Row& row) {
  Account account;
  account.id = row.i64(0);
  account.username = row.opt(1);
  account.email = row.opt(2);
  account.phone = row.opt(3);
  account.full_name = row.opt(4);
  account.role = role_of(row.str(5));
  account.city = row.opt(6);
  account.profile_picture = row.opt(7);
  account.is_active = row.boolean(8);
  account.created_at = db::parse_datetime(row.str(9));
  account.updated_at = db::parse_datetime(row.str(10));
  account.version = row.i64(11);
  return account;
}

std::optional<Account> select_by_id(db::Connection& conn, std::int64_t id) {
  auto row = conn.query_one(std::string(kSelect) + "WHERE id = ?", {id});
  if (!row) return std::nullopt;
  return account_of(*row);
}

// The unique keys of the users table (see migrations.h), by the identifier they protect.
[[noreturn]] void rethrow_duplicate(const db::DuplicateKey& e) {
  if (e.key() == "uq_users_username") throw IdentifierTaken(Identifier::kUsername);
  if (e.key() == "uq_users_email") throw IdentifierTaken(Identifier::kEmail);
  if (e.key() == "uq_users_phone") throw IdentifierTaken(Identifier::kPhone);
  throw e;
}

}  // namespace

Account MariadbUserRepository::create(const NewAccount& account, Clock::time_point now) {
  const std::string at = db::format_datetime(now);
  try {
    const auto id = pool_.transact([&](db::Connection& conn) {
      conn.execute(
          "INSERT INTO users (username, email, phone, full_name, role, city, profile_picture,"
          " is_active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
          {db::nullable(account.username), db::nullable(account.email), db::nullable(account.phone),
           db::nullable(account.full_name), std::string(role_name(account.role)),
           db::nullable(account.city), db::nullable(account.profile_picture), at, at});
      return static_cast<std::int64_t>(conn.last_insert_id());
    });
    Account created;
    static_cast<Profile&>(created) = account;
    created.id = id;
    created.role = account.role;
    created.is_active = true;
    created.created_at = now;
    created.updated_at = now;
    created.version = 1;
    return created;
  } catch (const db::DuplicateKey& e) {
    rethrow_duplicate(e);
  }
}

std::optional<Account> MariadbUserRepository::get(std::int64_t id) {
  return select_by_id(*pool_.acquire(), id);
}

std::optional<Account> MariadbUserRepository::find(Identifier by, const std::string& value) {
  const char* where = by == Identifier::kUsername ? "WHERE username = ?"
                      : by == Identifier::kEmail  ? "WHERE email = ?"
                                                  : "WHERE phone = ?";
  auto row = pool_.acquire()->query_one(std::string(kSelect) + where, {value});
  if (!row) return std::nullopt;
  return account_of(*row);
}

std::vector<Account> MariadbUserRepository::list(std::int64_t offset, std::int64_t limit) {
  std::vector<Account> accounts;
  for (const auto& row : pool_.acquire()->query(
           std::string(kSelect) + "ORDER BY id LIMIT ? OFFSET ?", {limit, offset})) {
    accounts.push_back(account_of(row));
  }
  return accounts;
}

std::optional<Account> MariadbUserRepository::update(std::int64_t id, const AccountChanges& changes,
                                                     Clock::time_point now) {
  // Only present fields are written. Column names come from this list, never from input.
  std::string sql = "UPDATE users SET version = version + 1, updated_at = ?";
  db::Params params{db::format_datetime(now)};
  const auto set = [&](const char* column, db::Param value) {
    sql += std::string(", ") + column + " = ?";
    params.push_back(std::move(value));
  };
  if (changes.username) set("username", *changes.username);
  if (changes.email) set("email", *changes.email);
  if (changes.phone) set("phone", *changes.phone);
  if (changes.full_name) set("full_name", *changes.full_name);
  if (changes.city) set("city", *changes.city);
  if (changes.profile_picture) set("profile_picture", *changes.profile_picture);
  if (changes.clear_profile_picture)
    set("profile_picture", db::nullable(std::optional<std::string>{}));
  if (changes.role) set("role", std::string(role_name(*changes.role)));
  if (changes.is_active) set("is_active", std::int64_t{*changes.is_active ? 1 : 0});
  sql += " WHERE id = ?";
  params.emplace_back(id);
  try {
    return pool_.transact([&](db::Connection& conn) {
      conn.execute(sql, params);
      return select_by_id(conn, id);
    });
  } catch (const db::DuplicateKey& e) {
    rethrow_duplicate(e);
  }
}

std::optional<std::int64_t> MariadbUserRepository::remove(std::int64_t id) {
  // The row goes, so its last version is read (and locked) in the deleting transaction.
  return pool_.transact([&](db::Connection& conn) -> std::optional<std::int64_t> {
    auto row = conn.query_one("SELECT version FROM users WHERE id = ? FOR UPDATE", {id});
    if (!row) return std::nullopt;
    conn.execute("DELETE FROM users WHERE id = ?", {id});
    return row->i64(0) + 1;
  });
}

}  // namespace fleet::user
