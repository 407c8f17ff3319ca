// On a real Galera cluster (ctest -L galera starts one; GALERA_DIR names it): a transaction that
// loses certification to a write committed on another node fails with 1213, and transact runs it
// again. Hidden from the default run ([.galera]): it needs two nodes.
#include <catch2/catch.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "fleet/common/config.h"
#include "fleet/db/db.h"

using fleet::db::Config;
using fleet::db::Connection;
using fleet::db::Pool;

namespace {

// The client ports of the nodes, from deploy/dev/galera's nodes.tsv (node, client port, ...).
std::vector<unsigned> node_ports() {
  std::ifstream file(fleet::config::require("GALERA_DIR") + "/nodes.tsv");
  std::vector<unsigned> ports;
  for (std::string line; std::getline(file, line);) {
    std::istringstream fields(line);
    unsigned node = 0, port = 0;
    fields >> node >> port;
    ports.push_back(port);
  }
  return ports;
}

}  // namespace

TEST_CASE("a Galera certification conflict is retried by transact", "[.galera]") {
  const auto ports = node_ports();
  REQUIRE(ports.size() >= 2);
  Config node1;
  node1.host = "127.0.0.1";
  node1.port = ports[0];
  node1.user = "root";
  std::random_device random;
  const std::string database = "fleet_test_galera_" + std::to_string(random());
  Connection::open(node1)->execute("CREATE DATABASE `" + database + "`");
  node1.database = database;
  Config node2 = node1;
  node2.port = ports[1];
  {
    auto setup = Connection::open(node1);
    setup->execute("CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
    setup->execute("INSERT INTO t VALUES (1, 0)");
  }

  Pool pool(node1);
  auto other = Connection::open(node2);
  int runs = 0;
  pool.transact([&](Connection& c) {
    ++runs;
    c.execute("UPDATE t SET v = v + 1 WHERE id = 1");
    // The first time, node 2 commits a write to the same row first: ours must lose. (The
    // nodes' wsrep_sync_wait makes node 2 apply the INSERT before its UPDATE runs.)
    if (runs == 1) REQUIRE(other->execute("UPDATE t SET v = v + 10 WHERE id = 1") == 1);
  });
  CHECK(runs == 2);
  CHECK(pool.stats().retried == 1);
  CHECK(pool.acquire()->query_one("SELECT v FROM t WHERE id = 1")->i64(0) == 11);
  CHECK(other->query_one("SELECT v FROM t WHERE id = 1")->i64(0) == 11);

  Connection::open(node2)->execute("DROP DATABASE `" + database + "`");
}
