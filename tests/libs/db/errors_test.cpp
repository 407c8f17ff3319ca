// How MariaDB error numbers map to fleet::db's error classes, Galera's included (no server).
#include "errors.h"

#include <errmsg.h>
#include <mysqld_error.h>

#include <catch2/catch.hpp>

#include "fleet/db/db.h"

using fleet::db::detail::breaks_connection;
using fleet::db::detail::throw_error;

TEST_CASE("a Galera certification conflict is a Deadlock, retried like one", "[db][errors]") {
  REQUIRE(ER_LOCK_DEADLOCK == 1213);
  CHECK_THROWS_AS(throw_error(ER_LOCK_DEADLOCK,
                              "WSREP detected deadlock/conflict and aborted "
                              "the transaction. Try restarting the transaction"),
                  fleet::db::Deadlock);
  CHECK_THROWS_AS(throw_error(ER_LOCK_WAIT_TIMEOUT, "Lock wait timeout exceeded"),
                  fleet::db::Deadlock);
  CHECK_FALSE(breaks_connection(ER_LOCK_DEADLOCK));
}

TEST_CASE("a Galera node that is not ready counts as a lost connection", "[db][errors]") {
  REQUIRE(ER_UNKNOWN_COM_ERROR == 1047);
  CHECK(breaks_connection(ER_UNKNOWN_COM_ERROR));
  CHECK_THROWS_AS(
      throw_error(ER_UNKNOWN_COM_ERROR, "WSREP has not yet prepared node for application use"),
      fleet::db::ConnectionLost);
}

TEST_CASE("client and shutdown errors break the connection, SQL errors do not", "[db][errors]") {
  for (unsigned code :
       std::initializer_list<unsigned>{CR_SERVER_GONE_ERROR, CR_SERVER_LOST, CR_CONN_HOST_ERROR,
                                       5014, ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN}) {
    INFO(code);
    CHECK(breaks_connection(code));
    CHECK_THROWS_AS(throw_error(code, "gone"), fleet::db::ConnectionLost);
  }
  for (unsigned code : std::initializer_list<unsigned>{ER_DUP_ENTRY, ER_NO_SUCH_TABLE,
                                                       ER_PARSE_ERROR, ER_ACCESS_DENIED_ERROR}) {
    INFO(code);
    CHECK_FALSE(breaks_connection(code));
  }
  CHECK_THROWS_MATCHES(throw_error(ER_DUP_ENTRY, "Duplicate entry 'a' for key 'uq_users_email'"),
                       fleet::db::DuplicateKey,
                       Catch::Matchers::Predicate<fleet::db::DuplicateKey>(
                           [](const auto& e) { return e.key() == "uq_users_email"; }));
  CHECK_THROWS_MATCHES(throw_error(ER_NO_SUCH_TABLE, "no such table"), fleet::db::Error,
                       Catch::Matchers::Predicate<fleet::db::Error>([](const auto& e) {
                         return e.code() == ER_NO_SUCH_TABLE &&
                                dynamic_cast<const fleet::db::ConnectionLost*>(&e) == nullptr;
                       }));
}
