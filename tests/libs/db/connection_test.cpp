#include <catch2/catch.hpp>

#include "fleet/db/db.h"
#include "test_database.h"

using fleet::db::Connection;
using fleet::db::Params;
using fleet::db::testing::TestDatabase;

TEST_CASE("every parameter type and NULL round trips as text", "[db][integration]") {
  TestDatabase db;
  auto conn = Connection::open(db.config());
  conn->execute(
      "CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, i BIGINT, d DOUBLE, s VARCHAR(255),"
      " n VARCHAR(10) NULL, at DATETIME(6))");
  const auto inserted =
      conn->execute("INSERT INTO t (i, d, s, n, at) VALUES (?, ?, ?, ?, ?)",
                    {std::int64_t{-9007199254740993}, 1.5, std::string("héllo 'quoted' ✓"), nullptr,
                     std::string("2025-01-10 10:00:00.250000")});
  CHECK(inserted == 1);
  const auto id = conn->last_insert_id();
  CHECK(id == 1);

  auto row = conn->query_one("SELECT i, d, s, n, at, ? FROM t WHERE id = ?",
                             {nullptr, static_cast<std::int64_t>(id)});
  REQUIRE(row);
  CHECK(row->i64(0) == -9007199254740993);
  CHECK(row->str(1) == "1.5");
  CHECK(row->str(2) == "héllo 'quoted' ✓");
  CHECK(row->is_null(3));
  CHECK(row->str(4) == "2025-01-10 10:00:00.250000");
  CHECK(row->is_null(5));
  CHECK_FALSE(conn->query_one("SELECT i FROM t WHERE id = ?", {std::int64_t{999}}));
}

TEST_CASE("values longer than the first fetch buffer arrive whole", "[db][integration]") {
  TestDatabase db;
  auto conn = Connection::open(db.config());
  conn->execute("CREATE TABLE t (a TEXT, b MEDIUMTEXT, c VARCHAR(10))");
  std::string long_text(70'000, 'x');
  long_text[0] = 'a';
  long_text.back() = 'z';
  conn->execute("INSERT INTO t VALUES (?, ?, ?)",
                {std::string(300, 'y'), long_text, std::string("short")});
  auto row = conn->query_one("SELECT a, b, c FROM t");
  REQUIRE(row);
  CHECK(row->str(0) == std::string(300, 'y'));
  CHECK(row->str(1) == long_text);
  CHECK(row->str(2) == "short");
}

TEST_CASE("DECIMAL stays exact as text", "[db][integration]") {
  TestDatabase db;
  auto conn = Connection::open(db.config());
  conn->execute("CREATE TABLE money (amount DECIMAL(20, 2) NOT NULL)");
  conn->execute("INSERT INTO money VALUES (?), (?), (?)",
                {std::string("0.10"), std::string("0.20"), std::string("123456789012345678.99")});
  auto sum = conn->query_one("SELECT SUM(amount) FROM money WHERE amount < 1");
  REQUIRE(sum);
  CHECK(sum->str(0) == "0.30");
  auto big = conn->query_one("SELECT amount FROM money WHERE amount > 1");
  REQUIRE(big);
  CHECK(big->str(0) == "123456789012345678.99");
}

TEST_CASE("a duplicate names the violated key", "[db][integration]") {
  TestDatabase db;
  auto conn = Connection::open(db.config());
  conn->execute(
      "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(254) NULL,"
      " UNIQUE KEY uq_users_email (email))");
  conn->execute("INSERT INTO users (email) VALUES (?)", {std::string("a@example.com")});
  conn->execute("INSERT INTO users (email) VALUES (?), (?)", {nullptr, nullptr});  // NULLs repeat
  try {
    conn->execute("INSERT INTO users (email) VALUES (?)", {std::string("a@example.com")});
    FAIL("expected DuplicateKey");
  } catch (const fleet::db::DuplicateKey& e) {
    CHECK(e.key() == "uq_users_email");
    CHECK(e.code() == 1062);
  }
  CHECK_FALSE(conn->broken());
  CHECK(conn->query("SELECT id FROM users").size() == 3);  // still usable
}

TEST_CASE("a wrong number of parameters is an error, not a crash", "[db][integration]") {
  TestDatabase db;
  auto conn = Connection::open(db.config());
  CHECK_THROWS_AS(conn->query("SELECT ?, ?", {std::int64_t{1}}), fleet::db::Error);
  CHECK_THROWS_AS(conn->query("SELEC 1"), fleet::db::Error);
  CHECK_FALSE(conn->broken());
  CHECK(conn->query_one("SELECT 1")->i64(0) == 1);
}

TEST_CASE("the session runs in UTC with utf8mb4", "[db][integration]") {
  TestDatabase db;
  auto conn = Connection::open(db.config());
  auto row = conn->query_one("SELECT @@session.time_zone, @@character_set_client, CHAR_LENGTH(?)",
                             {std::string("😀")});
  REQUIRE(row);
  CHECK(row->str(0) == "+00:00");
  CHECK(row->str(1) == "utf8mb4");
  CHECK(row->i64(2) == 1);
}

TEST_CASE("a connection to nowhere is ConnectionLost", "[db][integration]") {
  auto config = fleet::db::testing::server_config();
  config.host = "127.0.0.1";
  config.port = 1;  // nothing listens there
  config.connect_timeout = std::chrono::milliseconds{1000};
  CHECK_THROWS_AS(Connection::open(config), fleet::db::ConnectionLost);
}

TEST_CASE("with several hosts a connection goes to the first reachable one", "[db][integration]") {
  auto config = fleet::db::testing::server_config();
  const std::string server = config.host + ":" + std::to_string(config.port);
  config.connect_timeout = std::chrono::milliseconds{1000};
  config.host = "127.0.0.1:1," + server;  // nothing listens on port 1
  CHECK(Connection::open(config)->query_one("SELECT 1")->i64(0) == 1);

  config.host = "127.0.0.1:1,127.0.0.1:2";
  CHECK_THROWS_AS(Connection::open(config), fleet::db::ConnectionLost);
}
