#pragma once
// MariaDB access for services: RAII connections, a bounded pool, prepared statements only,
// transactions, and error classes that tell a duplicate key from a lost connection.
// A connection that saw a client error (lost, timed out, protocol) is dropped, never reused.
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fleet::db {

// One server a connection may go to.
struct Endpoint {
  std::string host;
  unsigned port = 0;
  bool operator==(const Endpoint&) const = default;
};

struct Config {
  // One host, or several comma-separated, each optionally with its own port ("a,b:3307",
  // "[::1]:3307"), e.g. the nodes of a Galera cluster: a new connection goes to the first one
  // that accepts it and is ready, so the pool fails over when a node dies.
  std::string host = "127.0.0.1";
  unsigned port = 3306;  // the port of a host that names none
  std::string user;
  std::string password;
  std::string database;
  unsigned pool_size = 4;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds acquire_timeout{3000};
  // Read and write timeout of each round trip (MariaDB counts whole seconds).
  std::chrono::milliseconds io_timeout{30000};

  // DB_HOST, DB_PORT, DB_USER (required), DB_PASSWORD, DB_NAME (default given), DB_POOL_SIZE.
  // A malformed DB_HOST list throws config::ConfigError.
  static Config from_env(std::string_view default_database);

  // `host` split into servers, in order; throws std::invalid_argument when malformed.
  std::vector<Endpoint> endpoints() const;
};

// --- errors -------------------------------------------------------------------------------
class Error : public std::runtime_error {
 public:
  Error(unsigned code, const std::string& what) : std::runtime_error(what), code_(code) {}
  unsigned code() const noexcept { return code_; }

 private:
  unsigned code_;
};
// ER_DUP_ENTRY: key() is the violated index name, e.g. "uq_users_email".
class DuplicateKey : public Error {
 public:
  DuplicateKey(unsigned code, const std::string& what, std::string key)
      : Error(code, what), key_(std::move(key)) {}
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};
// The server went away, a read timed out, or the connection could not be made.
class ConnectionLost : public Error {
 public:
  using Error::Error;
};
// Deadlock or lock wait timeout: the transaction was rolled back and may be retried.
class Deadlock : public Error {
 public:
  using Error::Error;
};
// No connection became free within acquire_timeout.
class PoolExhausted : public Error {
 public:
  using Error::Error;
};

// --- values -------------------------------------------------------------------------------
using Param = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Param>;

// One result row; every column is fetched as text (DECIMAL and DATETIME stay exact).
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> columns) : columns_(std::move(columns)) {}
  std::size_t size() const { return columns_.size(); }
  bool is_null(std::size_t i) const { return !columns_.at(i).has_value(); }
  const std::optional<std::string>& opt(std::size_t i) const { return columns_.at(i); }
  const std::string& str(std::size_t i) const;  // throws Error if NULL
  std::int64_t i64(std::size_t i) const;        // throws Error if NULL or not an integer
  bool boolean(std::size_t i) const { return i64(i) != 0; }

 private:
  std::vector<std::optional<std::string>> columns_;
};

// DATETIME(6) columns hold UTC. "2025-01-10 10:00:00[.ffffff]" <-> time_point.
std::chrono::system_clock::time_point parse_datetime(std::string_view text);
std::string format_datetime(std::chrono::system_clock::time_point t);

// --- connection ---------------------------------------------------------------------------
class Connection {
 public:
  // Connects with utf8mb4, UTC session time zone, and the configured database.
  static std::unique_ptr<Connection> open(const Config& config);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Prepared statements, cached per connection by SQL text.
  std::vector<Row> query(std::string_view sql, const Params& params = {});
  std::optional<Row> query_one(std::string_view sql, const Params& params = {});
  // Returns the number of affected rows.
  std::uint64_t execute(std::string_view sql, const Params& params = {});
  std::uint64_t last_insert_id() const;

  void begin();
  void commit();
  void rollback();
  // True after a client error: the pool drops this connection.
  bool broken() const noexcept { return broken_; }
  // One round trip; false (and broken()) if the server is gone.
  bool ping();

  struct Impl;

 private:
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  bool broken_ = false;
  friend struct Impl;
};

// --- pool ---------------------------------------------------------------------------------
class Pool {
 public:
  explicit Pool(Config config);
  ~Pool();  // every Lease must be gone by now

  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // Waits up to acquire_timeout for a connection; opens one lazily up to pool_size. A connection
  // that sat idle for a while is pinged first, so one the server timed out is replaced, not used.
  Lease acquire();

  // Runs fn(Connection&) inside BEGIN … COMMIT; rolls back if it throws. A Deadlock (a Galera
  // certification conflict included) is retried up to 3 times. A connection lost before COMMIT
  // was sent (a pooled connection to a node that died) is retried once on a fresh connection;
  // one lost during COMMIT propagates, since the outcome is unknown. Other errors propagate.
  template <class Fn>
  auto transact(Fn&& fn) -> decltype(fn(std::declval<Connection&>()));

  const Config& config() const { return config_; }

  // For /metrics: what the pool holds now, and counts since it was made.
  struct Stats {
    unsigned max_connections = 0;  // pool_size
    unsigned in_use = 0;
    unsigned idle = 0;
    unsigned waiting = 0;                // callers blocked in acquire()
    std::uint64_t acquire_timeouts = 0;  // PoolExhausted thrown
    std::uint64_t dropped = 0;           // connections closed after a client error
    std::uint64_t committed = 0;         // transact() outcomes
    std::uint64_t rolled_back = 0;
    std::uint64_t retried = 0;  // transact() attempts retried (deadlock, connection lost)
  };
  Stats stats() const;

 private:
  // Takes back a healthy connection; a broken or null one gives up its slot.
  void release(std::unique_ptr<Connection> conn);
  struct Idle {
    std::unique_ptr<Connection> conn;
    std::chrono::steady_clock::time_point since;
  };
  Config config_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Idle> idle_;
  unsigned open_ = 0;
  unsigned waiting_ = 0;
  std::uint64_t acquire_timeouts_ = 0;
  std::uint64_t dropped_ = 0;
  std::atomic<std::uint64_t> committed_{0}, rolled_back_{0}, retried_{0};
};

// --- migrations ---------------------------------------------------------------------------
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;  // one statement
};
// Creates the database if missing, then applies, in order, each migration whose version is
// not yet recorded in schema_migrations. Safe to run from several processes at once.
void migrate(const Config& config, std::span<const Migration> migrations);

// How long a service waits at start-up for its database (local runs start everything at once).
struct RetryOptions {
  std::chrono::milliseconds deadline{std::chrono::seconds{30}};
  std::chrono::milliseconds interval{std::chrono::seconds{1}};
};
// migrate(), retried every `interval` while the server cannot be reached (ConnectionLost), each
// failed attempt logged as "database_not_ready". Once `deadline` has passed since the first
// attempt, the last ConnectionLost propagates. Other errors propagate at once.
void migrate_with_retry(const Config& config, std::span<const Migration> migrations,
                        RetryOptions options = {});

// --- template definitions -----------------------------------------------------------------
template <class Fn>
auto Pool::transact(Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  for (int attempt = 1;; ++attempt) {
    Lease lease = acquire();
    bool committing = false;
    try {
      lease->begin();
      if constexpr (std::is_void_v<decltype(fn(*lease))>) {
        fn(*lease);
        committing = true;
        lease->commit();
        ++committed_;
        return;
      } else {
        auto result = fn(*lease);
        committing = true;
        lease->commit();
        ++committed_;
        return result;
      }
    } catch (const Deadlock&) {
      if (!lease->broken()) lease->rollback();
      ++rolled_back_;
      if (attempt >= 3) throw;
      ++retried_;
    } catch (const ConnectionLost&) {
      ++rolled_back_;  // the server rolls back a transaction whose connection is gone
      if (committing || attempt >= 2) throw;
      ++retried_;
    } catch (...) {
      ++rolled_back_;
      if (!lease->broken()) {
        try {
          lease->rollback();
        } catch (...) {
        }
      }
      throw;
    }
  }
}

}  // namespace fleet::db
