// The OpenAPI document of the gateway's own tables: it builds (every response schema a row
// names is defined in openapi/schemas.cpp, no operation twice), passes the structural checks,
// and documents exactly the visible rows, HTTP and WebSocket, both ways.
#include <catch2/catch.hpp>

#include "openapi/document.h"
#include "openapi/document_checks.h"
#include "openapi/schemas.h"
#include "surfaces/routes.h"

namespace {
namespace surfaces = fleet::gateway::surfaces;
namespace openapi = fleet::gateway::openapi;

std::vector<fleet::gateway::endpoint::Table> all_tables() {
  auto tables = surfaces::http_tables();
  tables.push_back(surfaces::socket_rows());
  return tables;
}
}  // namespace

TEST_CASE("openapi tables: every response schema a row names is defined") {
  for (const auto& table : all_tables()) {
    for (const auto& row : table) {
      INFO(std::string(row.method) + " " + std::string(row.path));
      if (!row.response.schema.empty()) CHECK(openapi::find_schema(row.response.schema));
      CHECK_FALSE(row.summary.empty());
    }
  }
}

TEST_CASE("openapi tables: the document of the gateway's rows, both ways") {
  const auto tables = all_tables();
  boost::json::object doc;
  REQUIRE_NOTHROW(doc = openapi::openapi_document(tables));
  openapi_checks::check_document(doc, tables);
  // Every surface has operations (so that every tag shows in Swagger UI and ReDoc).
  std::set<std::string> tagged;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      tagged.emplace(op.at("tags").as_array()[0].as_string());
    }
  }
  CHECK(tagged == std::set<std::string>{"rental", "users-v1", "repair", "streetlight", "pisync"});
}
