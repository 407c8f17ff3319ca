#include <catch2/catch.hpp>
#include <thread>

#include "fleet/db/db.h"
#include "test_database.h"

using fleet::db::Connection;
using fleet::db::Migration;
using fleet::db::testing::TestDatabase;

namespace {

constexpr Migration kMigrations[] = {
    {2, "add_note", "ALTER TABLE things ADD COLUMN note VARCHAR(20) NULL"},
    {1, "create_things", "CREATE TABLE things (id BIGINT AUTO_INCREMENT PRIMARY KEY)"},
};

}  // namespace

TEST_CASE("migrations apply in version order, once", "[db][integration]") {
  TestDatabase db;
  fleet::db::migrate(db.config(), kMigrations);
  fleet::db::migrate(db.config(), kMigrations);  // second run: nothing to do, no error

  auto conn = Connection::open(db.config());
  auto applied = conn->query("SELECT version, name FROM schema_migrations ORDER BY version");
  REQUIRE(applied.size() == 2);
  CHECK(applied[0].str(1) == "create_things");
  CHECK(applied[1].str(1) == "add_note");
  conn->execute("INSERT INTO things (note) VALUES (?)", {std::string("ok")});
}

TEST_CASE("migrate creates a missing database with utf8mb4", "[db][integration]") {
  TestDatabase db;
  auto config = db.config();
  config.database = db.name() + "_new";
  struct Drop {
    fleet::db::Config config;
    ~Drop() {
      config.database.clear();
      Connection::open(config)->execute("DROP DATABASE IF EXISTS `" + name + "`");
    }
    std::string name;
  } drop{db.config(), config.database};

  fleet::db::migrate(config, kMigrations);
  auto row = Connection::open(config)->query_one(
      "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA"
      " WHERE SCHEMA_NAME = ?",
      {config.database});
  REQUIRE(row);
  CHECK(row->str(0) == "utf8mb4");
  CHECK(row->str(1) == "utf8mb4_unicode_ci");
}

TEST_CASE("concurrent starters migrate without failing", "[db][integration]") {
  TestDatabase db;
  std::vector<std::thread> starters;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    starters.emplace_back([&] {
      try {
        fleet::db::migrate(db.config(), kMigrations);
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : starters) t.join();
  CHECK(failures == 0);
  CHECK(Connection::open(db.config())->query("SELECT version FROM schema_migrations").size() == 2);
}
