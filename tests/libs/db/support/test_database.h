#pragma once
// A throwaway database for integration tests: a unique random name on the server given by
// TEST_DB_HOST, TEST_DB_PORT, TEST_DB_USER, TEST_DB_PASSWORD; dropped on destruction.
// Construction throws when the variables are unset, so the test fails rather than passes.
#include "fleet/db/db.h"

namespace fleet::db::testing {

// The server from TEST_DB_*, with no database selected.
Config server_config();

class TestDatabase {
 public:
  TestDatabase();   // creates the database
  ~TestDatabase();  // drops it
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // Connection settings for the new database (pool_size 4, short timeouts).
  const Config& config() const { return config_; }
  const std::string& name() const { return config_.database; }

 private:
  Config config_;
};

}  // namespace fleet::db::testing
