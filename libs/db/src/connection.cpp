// Connection over MariaDB Connector/C's prepared-statement API. Every result column is fetched as
// text, so DECIMAL and DATETIME values arrive exactly as the server renders them.
#include <mysql.h>
#include <mysqld_error.h>

#include <mutex>
#include <unordered_map>

#include "errors.h"
#include "fleet/db/db.h"

namespace fleet::db {
namespace {

// Most columns fit; longer values are fetched again with a buffer of their exact size.
constexpr unsigned long kInitialColumnBuffer = 256;

unsigned whole_seconds(std::chrono::milliseconds ms) {
  return static_cast<unsigned>(std::max<std::int64_t>(1, (ms.count() + 999) / 1000));
}

struct Statement {
  explicit Statement(MYSQL_STMT* h) : handle(h) {}
  ~Statement() { mysql_stmt_close(handle); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  MYSQL_STMT* handle;
};

// Frees a statement's buffered result set on every path out of a fetch.
struct ResultGuard {
  MYSQL_STMT* stmt;
  ~ResultGuard() { mysql_stmt_free_result(stmt); }
};

struct Column {
  std::string buffer = std::string(kInitialColumnBuffer, '\0');
  unsigned long length = 0;
  my_bool null = 0;
  my_bool error = 0;
};

MYSQL_BIND bind_param(const Param& param) {
  MYSQL_BIND bind{};
  if (std::holds_alternative<std::nullptr_t>(param)) {
    bind.buffer_type = MYSQL_TYPE_NULL;
  } else if (const auto* i = std::get_if<std::int64_t>(&param)) {
    bind.buffer_type = MYSQL_TYPE_LONGLONG;
    bind.buffer = const_cast<std::int64_t*>(i);
  } else if (const auto* d = std::get_if<double>(&param)) {
    bind.buffer_type = MYSQL_TYPE_DOUBLE;
    bind.buffer = const_cast<double*>(d);
  } else {
    const auto& s = std::get<std::string>(param);
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = const_cast<char*>(s.data());
    bind.buffer_length = s.size();
  }
  return bind;
}

}  // namespace

struct Connection::Impl {
  MYSQL* mysql = nullptr;
  Connection* owner = nullptr;
  // Statements live as long as the connection; services use a fixed set of SQL texts.
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements;
  std::uint64_t last_insert_id = 0;

  ~Impl() {
    statements.clear();
    if (mysql != nullptr) mysql_close(mysql);
  }

  [[noreturn]] void fail(unsigned code, const char* message) {
    if (owner != nullptr && detail::breaks_connection(code)) owner->broken_ = true;
    detail::throw_error(code, message);
  }
  [[noreturn]] void fail() { fail(mysql_errno(mysql), mysql_error(mysql)); }
  [[noreturn]] void fail(MYSQL_STMT* stmt) { fail(mysql_stmt_errno(stmt), mysql_stmt_error(stmt)); }

  void run_text(std::string_view sql) {
    if (mysql_real_query(mysql, sql.data(), sql.size()) != 0) fail();
  }

  MYSQL_STMT* prepare(std::string_view sql) {
    std::string key(sql);
    if (auto it = statements.find(key); it != statements.end()) return it->second->handle;
    MYSQL_STMT* handle = mysql_stmt_init(mysql);
    if (handle == nullptr) fail();
    auto statement = std::make_unique<Statement>(handle);
    if (mysql_stmt_prepare(handle, sql.data(), sql.size()) != 0) fail(handle);
    statements.emplace(std::move(key), std::move(statement));
    return handle;
  }

  // Executes; returns the affected rows, and appends the result rows to *rows if there are any.
  std::uint64_t run(std::string_view sql, const Params& params, std::vector<Row>* rows) {
    MYSQL_STMT* stmt = prepare(sql);
    if (mysql_stmt_param_count(stmt) != params.size()) {
      throw Error(0, "statement expects " + std::to_string(mysql_stmt_param_count(stmt)) +
                         " parameters, got " + std::to_string(params.size()) + ": " +
                         std::string(sql));
    }
    std::vector<MYSQL_BIND> binds;
    binds.reserve(params.size());
    for (const auto& param : params) binds.push_back(bind_param(param));
    if (!binds.empty() && mysql_stmt_bind_param(stmt, binds.data())) fail(stmt);
    if (mysql_stmt_execute(stmt) != 0) fail(stmt);

    const unsigned columns = mysql_stmt_field_count(stmt);
    if (columns == 0) {
      last_insert_id = mysql_stmt_insert_id(stmt);
      return mysql_stmt_affected_rows(stmt);
    }
    fetch_all(stmt, columns, rows);
    return mysql_stmt_affected_rows(stmt);
  }

  void fetch_all(MYSQL_STMT* stmt, unsigned columns, std::vector<Row>* rows) {
    std::vector<Column> cols(columns);
    std::vector<MYSQL_BIND> binds(columns);
    for (unsigned i = 0; i < columns; ++i) {
      binds[i].buffer_type = MYSQL_TYPE_STRING;
      binds[i].buffer = cols[i].buffer.data();
      binds[i].buffer_length = cols[i].buffer.size();
      binds[i].length = &cols[i].length;
      binds[i].is_null = &cols[i].null;
      binds[i].error = &cols[i].error;
    }
    if (mysql_stmt_bind_result(stmt, binds.data())) fail(stmt);
    // Buffer the whole result so the connection is free again even if the caller throws.
    if (mysql_stmt_store_result(stmt) != 0) fail(stmt);
    ResultGuard guard{stmt};
    for (;;) {
      const int rc = mysql_stmt_fetch(stmt);
      if (rc == MYSQL_NO_DATA) return;
      if (rc == 1) fail(stmt);
      std::vector<std::optional<std::string>> values(columns);
      for (unsigned i = 0; i < columns; ++i) {
        if (cols[i].null) continue;
        if (cols[i].length <= cols[i].buffer.size()) {
          values[i].emplace(cols[i].buffer.data(), cols[i].length);
        } else {
          values[i] = refetch(stmt, i, cols[i].length);
        }
      }
      if (rows != nullptr) rows->emplace_back(std::move(values));
    }
  }

  // MYSQL_DATA_TRUNCATED: fetch the one column again into a buffer of its full length.
  std::string refetch(MYSQL_STMT* stmt, unsigned column, unsigned long length) {
    std::string value(length, '\0');
    unsigned long fetched = 0;
    MYSQL_BIND bind{};
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = value.data();
    bind.buffer_length = length;
    bind.length = &fetched;
    if (mysql_stmt_fetch_column(stmt, &bind, column, 0) != 0) fail(stmt);
    value.resize(std::min(fetched, length));
    return value;
  }
};

namespace {

// A Galera node that is joining or has lost its quorum accepts connections but answers 1047 to
// queries. SHOW works on such a node; a server without Galera has wsrep_on OFF (and its
// wsrep_ready reads OFF too, so that alone would not tell).
bool galera_node_ready(Connection::Impl& impl) {
  std::vector<Row> rows;
  impl.run("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'", {}, &rows);
  if (rows.empty() || rows.front().opt(1) != "ON") return true;
  rows.clear();
  impl.run("SHOW GLOBAL STATUS LIKE 'wsrep_ready'", {}, &rows);
  return !rows.empty() && rows.front().opt(1) == "ON";
}

// Connects to one server; throws Error (ConnectionLost when it cannot be reached).
std::unique_ptr<Connection::Impl> connect(const Config& config, const Endpoint& endpoint,
                                          bool check_ready) {
  auto impl = std::make_unique<Connection::Impl>();
  impl->mysql = mysql_init(nullptr);
  if (impl->mysql == nullptr) throw Error(0, "mysql_init failed");
  MYSQL* mysql = impl->mysql;
  const unsigned connect_timeout = whole_seconds(config.connect_timeout);
  const unsigned io_timeout = whole_seconds(config.io_timeout);
  const my_bool no = 0;
  const my_bool yes = 1;
  mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_optionsv(mysql, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  mysql_optionsv(mysql, MYSQL_REPORT_DATA_TRUNCATION, &yes);
  // A silent reconnect would lose prepared statements and any open transaction.
  mysql_optionsv(mysql, MYSQL_OPT_RECONNECT, &no);

  const char* database = config.database.empty() ? nullptr : config.database.c_str();
  if (mysql_real_connect(mysql, endpoint.host.c_str(), config.user.c_str(), config.password.c_str(),
                         database, endpoint.port, nullptr, 0) == nullptr) {
    impl->fail();
  }
  // DATETIME columns hold UTC; NOW() and friends must agree.
  impl->run_text("SET time_zone = '+00:00'");
  if (check_ready && !galera_node_ready(*impl)) {
    throw ConnectionLost(ER_UNKNOWN_COM_ERROR, "MariaDB error 1047: node " + endpoint.host + ":" +
                                                   std::to_string(endpoint.port) +
                                                   " is not ready (wsrep_ready OFF)");
  }
  return impl;
}

}  // namespace

std::unique_ptr<Connection> Connection::open(const Config& config) {
  static std::once_flag library_initialized;
  std::call_once(library_initialized, [] { mysql_library_init(0, nullptr, nullptr); });

  std::vector<Endpoint> endpoints;
  try {
    endpoints = config.endpoints();
  } catch (const std::invalid_argument& e) {
    throw Error(0, e.what());
  }
  // Several servers: the first that is reachable and ready; errors of another kind (a wrong
  // password, an unknown database) are the configuration's, so they propagate at once.
  for (std::size_t i = 0;; ++i) {
    try {
      auto impl = connect(config, endpoints[i], endpoints.size() > 1);
      return std::unique_ptr<Connection>(new Connection(std::move(impl)));
    } catch (const ConnectionLost&) {
      if (i + 1 == endpoints.size()) throw;
    }
  }
}

Connection::Connection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) { impl_->owner = this; }
Connection::~Connection() = default;

std::vector<Row> Connection::query(std::string_view sql, const Params& params) {
  std::vector<Row> rows;
  impl_->run(sql, params, &rows);
  return rows;
}

std::optional<Row> Connection::query_one(std::string_view sql, const Params& params) {
  auto rows = query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::uint64_t Connection::execute(std::string_view sql, const Params& params) {
  return impl_->run(sql, params, nullptr);
}

std::uint64_t Connection::last_insert_id() const { return impl_->last_insert_id; }

void Connection::begin() { impl_->run_text("START TRANSACTION"); }
void Connection::commit() {
  if (mysql_commit(impl_->mysql) != 0) impl_->fail();
}
void Connection::rollback() {
  if (mysql_rollback(impl_->mysql) != 0) impl_->fail();
}

bool Connection::ping() {
  if (mysql_ping(impl_->mysql) == 0) return true;
  broken_ = true;
  return false;
}

}  // namespace fleet::db
