#include "surfaces/schemas.h"

#include <algorithm>

namespace fleet::gateway::surfaces {
namespace {

bool any_of_type(const validation::Issues& issues, std::initializer_list<std::string_view> types) {
  return std::any_of(issues.begin(), issues.end(), [&](const validation::Issue& issue) {
    return std::find(types.begin(), types.end(), issue.type) != types.end();
  });
}

// A body that is absent or not a JSON object reads as an empty object, as Express's json
// parser leaves req.body = {}; only unparseable JSON is reported as such.
bool missing_like(std::string_view type) {
  return type == "missing" || type == "string_type" || type == "string_too_short" ||
         type == "model_attributes_type";
}

// The field an issue is about ("" for the body itself).
std::string_view field_of(const validation::Issue& issue) {
  if (issue.loc.size() == 2 && issue.loc[1].is_string()) return issue.loc[1].get_string();
  return {};
}

}  // namespace

std::string streetlight_register_problem(const validation::Issues& issues) {
  if (any_of_type(issues, {"json_invalid"})) return "Invalid JSON body";
  // "role" is optional: a wrong type there is an invalid role, not a missing field.
  for (const auto& issue : issues) {
    if (field_of(issue) == "role") continue;
    if (missing_like(issue.type)) {
      return "Missing required fields";
    }
  }
  for (const auto& issue : issues) {
    if (field_of(issue) == "email") return "Invalid email";
    if (field_of(issue) == "role") return "Invalid role";
  }
  auto field = issues.empty() ? std::string_view{} : field_of(issues.front());
  return field.empty() ? "Missing required fields" : "Invalid " + std::string(field);
}

std::string streetlight_login_problem(const validation::Issues& issues) {
  if (any_of_type(issues, {"json_invalid"})) return "Invalid JSON body";
  return "Missing credentials";
}

std::string pisync_credentials_problem(const validation::Issues& issues) {
  if (any_of_type(issues, {"json_invalid"})) return "Invalid JSON body";
  if (std::any_of(issues.begin(), issues.end(),
                  [](const validation::Issue& i) { return missing_like(i.type); })) {
    return "Username and password are required";
  }
  return "Username or password too long";
}

}  // namespace fleet::gateway::surfaces
