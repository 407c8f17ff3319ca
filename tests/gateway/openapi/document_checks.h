#pragma once
// Structural checks of a generated OpenAPI document, shared by the fake-table tests and the
// test of the real tables: every $ref resolves, every path template parameter is declared,
// operation ids are unique, every operation is tagged with one of the five surfaces and has a
// success response, and the documented operations are exactly the tables' visible rows.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <span>
#include <string>

#include "endpoint/endpoint.h"
#include "openapi/document.h"

namespace openapi_checks {

namespace json = boost::json;

inline void collect_refs(const json::value& value, std::set<std::string>& refs) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.get_object()) {
      if (key == "$ref" && child.is_string()) refs.emplace(child.get_string());
      collect_refs(child, refs);
    }
  } else if (value.is_array()) {
    for (const auto& child : value.get_array()) collect_refs(child, refs);
  }
}

inline std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// (method, path) of every documented operation.
inline std::set<std::pair<std::string, std::string>> operations(const json::object& doc) {
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    for (const auto& [method, op] : item.as_object()) {
      out.emplace(std::string(method), std::string(path));
    }
  }
  return out;
}

inline void check_document(const json::object& doc,
                           std::span<const fleet::gateway::endpoint::Table> tables) {
  CHECK(doc.at("openapi") == "3.0.3");
  const auto& schemas = doc.at("components").at("schemas").as_object();

  std::set<std::string> refs;
  collect_refs(doc, refs);
  for (const auto& r : refs) {
    INFO(r);
    REQUIRE(r.starts_with("#/components/schemas/"));
    CHECK(schemas.contains(r.substr(std::string("#/components/schemas/").size())));
  }

  const std::set<std::string> surfaces{"rental", "users-v1", "repair", "streetlight", "pisync"};
  std::set<std::string> tag_names;
  for (const auto& tag : doc.at("tags").as_array()) {
    tag_names.emplace(tag.at("name").as_string());
    CHECK_FALSE(tag.at("description").as_string().empty());
  }
  CHECK(tag_names == surfaces);

  std::set<std::string> ids;
  for (const auto& [path, item] : doc.at("paths").as_object()) {
    const auto names = fleet::gateway::openapi::path_template_params(path);
    for (const auto& [method, value] : item.as_object()) {
      INFO(std::string(method) + " " + std::string(path));
      const auto& op = value.as_object();
      CHECK(ids.emplace(op.at("operationId").as_string()).second);
      REQUIRE(op.at("tags").as_array().size() == 1);
      CHECK(surfaces.contains(std::string(op.at("tags").as_array()[0].as_string())));
      CHECK_FALSE(op.at("summary").as_string().empty());
      std::set<std::string> declared;
      if (op.contains("parameters")) {
        for (const auto& p : op.at("parameters").as_array()) {
          if (p.at("in") == "path") {
            CHECK(p.at("required") == true);
            declared.emplace(p.at("name").as_string());
          }
        }
      }
      CHECK(declared == std::set<std::string>(names.begin(), names.end()));
      bool success = false;
      for (const auto& [status, response] : op.at("responses").as_object()) {
        CHECK_FALSE(response.at("description").as_string().empty());
        success = success || status.starts_with("2") || status == "101";
      }
      CHECK(success);
    }
  }

  // Both ways: every visible row is documented, every documented operation is a visible row.
  std::set<std::pair<std::string, std::string>> rows;
  for (const auto& table : tables) {
    for (const auto& row : table) {
      if (!row.hidden) rows.emplace(lower(row.method), std::string(row.path));
    }
  }
  CHECK(operations(doc) == rows);
}

}  // namespace openapi_checks
