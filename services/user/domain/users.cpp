#include "domain/users.h"

#include "fleet/common/error.h"

namespace fleet::user {
namespace {

constexpr std::int64_t kMaxListLimit = 1000;
constexpr int kMaxDerivedNameTries = 10000;

[[noreturn]] void invalid(const std::string& text) {
  throw DomainError(ErrorCode::kInvalidArgument, text);
}

[[noreturn]] void not_found() { throw DomainError(ErrorCode::kNotFound, "User not found"); }

[[noreturn]] void already_exists(Identifier which) {
  switch (which) {
    case Identifier::kUsername:
      throw DomainError(ErrorCode::kAlreadyExists, "Username already exists");
    case Identifier::kEmail:
      throw DomainError(ErrorCode::kAlreadyExists, "Email already registered");
    case Identifier::kPhone:
      throw DomainError(ErrorCode::kAlreadyExists, "Phone already registered");
  }
  throw DomainError(ErrorCode::kAlreadyExists, "Already exists");
}

void drop_if_empty(std::optional<std::string>& value) {
  if (value && value->empty()) value.reset();
}

// Column sizes are in characters (utf8mb4), so count code points, not bytes.
void check_length(const std::optional<std::string>& value, std::size_t max, const char* field) {
  if (!value) return;
  std::size_t chars = 0;
  for (unsigned char c : *value) chars += (c & 0xC0) != 0x80;
  if (chars > max) invalid(std::string(field) + " is too long");
}

// Empty strings become absent; over-long values are rejected before they reach the database.
template <class Fields>
void normalize(Fields& f) {
  for (auto* field : {&f.username, &f.email, &f.phone, &f.full_name, &f.city, &f.profile_picture}) {
    drop_if_empty(*field);
  }
  check_length(f.username, 255, "Username");
  check_length(f.email, 254, "Email");
  check_length(f.phone, 32, "Phone");
  check_length(f.full_name, 255, "Full name");
  check_length(f.city, 255, "City");
  check_length(f.profile_picture, 2048, "Profile picture");
}

// PLATFORM.md "Accounts seen across surfaces": the username of an account registered without
// one, from the email's local part or else the phone, keeping letters, digits, '.', '_', '-'.
std::string username_base(const NewAccount& account) {
  std::string source;
  if (account.email) {
    source = account.email->substr(0, account.email->find('@'));
  } else if (account.phone) {
    source = *account.phone;
  }
  std::string base;
  for (char c : source) {
    const bool kept = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (kept && base.size() < 240) base += c;
  }
  return base.empty() ? "user" : base;
}

}  // namespace

Users::Users(UserRepository& repository, const Clock& clock, AccountHub* hub)
    : repository_(repository), clock_(clock), hub_(hub) {}

void Users::publish(AccountChange::Kind kind, const Account& account) {
  if (hub_ != nullptr) hub_->publish(AccountChange{kind, account});
}

// DATETIME(6) keeps microseconds: round here so what we return equals what is stored.
Clock::time_point Users::now() const {
  return std::chrono::floor<std::chrono::microseconds>(clock_.now());
}

Account Users::create(NewAccount account) {
  normalize(account);
  if (!account.username && !account.email && !account.phone) {
    invalid("At least one of username, email or phone is required");
  }
  const bool derived = !account.username;
  const std::string base = derived ? username_base(account) : std::string();
  // A derived name takes the first free numeric suffix; losing a race for it tries the next.
  for (int suffix = 0;; ++suffix) {
    if (derived) {
      account.username = suffix == 0 ? base : base + std::to_string(suffix);
      if (suffix < kMaxDerivedNameTries &&
          repository_.find(Identifier::kUsername, *account.username))
        continue;
    }
    try {
      auto created = repository_.create(account, now());
      publish(AccountChange::Kind::kChanged, created);
      return created;
    } catch (const IdentifierTaken& e) {
      if (!derived || e.which() != Identifier::kUsername || suffix >= kMaxDerivedNameTries)
        already_exists(e.which());
    }
  }
}

Account Users::get(std::int64_t id) {
  auto account = repository_.get(id);
  if (!account) not_found();
  return *account;
}

Account Users::find(Identifier by, const std::string& value) {
  if (value.empty()) invalid("One of username, email or phone is required");
  auto account = repository_.find(by, value);
  if (!account) not_found();
  return *account;
}

std::vector<Account> Users::list(std::int64_t offset, std::int64_t limit) {
  if (offset < 0) invalid("offset must be 0 or more");
  if (limit < 0 || limit > kMaxListLimit) invalid("limit must be between 0 and 1000");
  if (limit == 0) return {};
  return repository_.list(offset, limit);
}

Account Users::update(std::int64_t id, AccountChanges changes) {
  // The one field a client may remove: an empty picture clears it; other empty fields stay.
  if (changes.profile_picture && changes.profile_picture->empty()) {
    changes.clear_profile_picture = true;
  }
  normalize(changes);
  try {
    auto account = repository_.update(id, changes, now());
    if (!account) not_found();
    publish(AccountChange::Kind::kChanged, *account);
    return *account;
  } catch (const IdentifierTaken& e) {
    already_exists(e.which());
  }
}

std::int64_t Users::remove(std::int64_t id) {
  const auto version = repository_.remove(id);
  if (!version) not_found();
  Account gone;
  gone.id = id;
  gone.version = *version;
  publish(AccountChange::Kind::kDeleted, gone);
  return *version;
}

std::vector<Account> Users::all() {
  std::vector<Account> accounts;
  for (std::int64_t offset = 0;; offset += kMaxListLimit) {
    auto page = repository_.list(offset, kMaxListLimit);
    const auto got = static_cast<std::int64_t>(page.size());
    accounts.insert(accounts.end(), std::make_move_iterator(page.begin()),
                    std::make_move_iterator(page.end()));
    if (got < kMaxListLimit) return accounts;
  }
}

bool Users::ensure_admin(const AdminAccount& admin) {
  if (repository_.find(Identifier::kUsername, admin.username)) return false;
  NewAccount account;
  account.username = admin.username;
  account.email = admin.email;
  account.phone = admin.phone;
  account.full_name = "Administrator";
  account.role = Role::kAdmin;
  try {
    create(account);
    return true;
  } catch (const DomainError& e) {
    // Another process created it between our lookup and our insert.
    if (e.code() == ErrorCode::kAlreadyExists &&
        repository_.find(Identifier::kUsername, admin.username)) {
      return false;
    }
    throw;
  }
}

}  // namespace fleet::user
