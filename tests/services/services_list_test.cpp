// fleet/services.h, generated from services/services.tsv: the list the gateway reads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <iterator>
#include <set>
#include <string>
#include <string_view>

#include "fleet/services.h"

using fleet::services::kServices;
using fleet::services::ServiceInfo;

namespace {

bool all_of(std::string_view text, bool (*allowed)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), allowed);
}
bool lower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool upper(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool name_char(char c) { return lower(c) || c == '-'; }
bool env_char(char c) { return upper(c) || c == '_'; }
bool db_char(char c) { return lower(c) || c == '_'; }

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() > tail.size() && text.substr(text.size() - tail.size()) == tail;
}

constexpr const ServiceInfo* find(std::string_view name) {
  for (const auto& s : kServices) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

// The list is usable at compile time.
static_assert(std::size(kServices) > 0);
// (By value, not by pointer: g++'s -fsanitize=undefined cannot fold a pointer comparison here.)
constexpr int grpc_port_of(std::string_view name) {
  for (const auto& s : kServices) {
    if (s.name == name) return s.grpc_port;
  }
  return 0;
}
static_assert(grpc_port_of("auth") > 0);

TEST_CASE("the header lists the services of services.tsv, in file order", "[services]") {
  std::string names;
  for (const auto& s : kServices) {
    if (!names.empty()) names += ',';
    names += s.name;
  }
  CHECK(names == FLEET_SERVICE_NAMES);  // read by CMake from the same file
}

TEST_CASE("names, binaries, ports, variables and databases are unique", "[services]") {
  std::set<std::string_view> names, binaries, variables, databases;
  std::set<int> ports;
  for (const auto& s : kServices) {
    INFO(s.name);
    CHECK(names.insert(s.name).second);
    CHECK(binaries.insert(s.binary).second);
    CHECK(ports.insert(s.grpc_port).second);
    CHECK(variables.insert(s.port_env).second);
    CHECK(variables.insert(s.addr_env).second);
    CHECK(databases.insert(s.database).second);
  }
}

TEST_CASE("every field is well formed", "[services]") {
  for (const auto& s : kServices) {
    INFO(s.name);
    CHECK(all_of(s.name, name_char));
    CHECK(lower(s.name.front()));
    CHECK(all_of(s.binary, name_char));
    CHECK(s.binary.substr(0, 10) == "fleetgate-");
    CHECK(s.grpc_port > 1024);
    CHECK(s.grpc_port <= 65535);
    CHECK(s.grpc_port != 8000);  // the gateway's default port
    CHECK(all_of(s.port_env, env_char));
    CHECK(ends_with(s.port_env, "_GRPC_PORT"));
    CHECK(all_of(s.addr_env, env_char));
    CHECK(ends_with(s.addr_env, "_ADDR"));
    CHECK(all_of(s.database, db_char));
  }
}

TEST_CASE("the platform's services are there with their documented ports", "[services]") {
  // PLATFORM.md's defaults, which the services' main.cpp read too.
  const auto* auth = find("auth");
  const auto* user = find("user");
  const auto* session = find("device-session");
  REQUIRE(auth != nullptr);
  REQUIRE(user != nullptr);
  REQUIRE(session != nullptr);
  CHECK(auth->grpc_port == 50051);
  CHECK(user->grpc_port == 50052);
  CHECK(session->grpc_port == 50053);
  CHECK(auth->addr_env == "AUTH_ADDR");
  CHECK(user->addr_env == "USER_ADDR");
  CHECK(session->addr_env == "DEVICE_SESSION_ADDR");
  CHECK((auth->ready && user->ready && session->ready));
  CHECK(user < auth);  // auth needs user, so user starts first
}
