#include "render/accounts.h"

#include <string>

#include "render/time.h"

namespace fleet::gateway::render {
namespace json = boost::json;
namespace {

json::value optional_string(bool has, const std::string& value) {
  if (!has) return nullptr;
  return json::string(value);
}

std::string time_of(const google::protobuf::Timestamp& ts, TimeStyle style) {
  return format_time(ts.seconds(), ts.nanos(), style);
}

}  // namespace

bool is_admin(userpb::Role role) { return role == userpb::ROLE_ADMIN; }
bool is_staff(userpb::Role role) {
  return role == userpb::ROLE_OPERATOR || role == userpb::ROLE_ADMIN;
}

json::object users_v1_user(const userpb::Account& a) {
  json::object o;
  o["id"] = a.id();
  o["email"] = optional_string(a.has_email(), a.email());
  o["username"] = optional_string(a.has_username(), a.username());
  o["full_name"] = optional_string(a.has_full_name(), a.full_name());
  o["is_active"] = a.is_active();
  o["is_superuser"] = is_admin(a.role());
  o["created_at"] = time_of(a.created_at(), TimeStyle::kSecondsZ);
  o["updated_at"] =
      time_of(a.has_updated_at() ? a.updated_at() : a.created_at(), TimeStyle::kSecondsZ);
  return o;
}

json::object repair_user(const userpb::Account& a) {
  json::object o;
  o["id"] = a.id();
  o["full_name"] = optional_string(a.has_full_name(), a.full_name());
  o["phone"] = optional_string(a.has_phone(), a.phone());
  o["email"] = optional_string(a.has_email(), a.email());
  o["profile_picture"] =
      optional_string(a.has_profile_picture() && !a.profile_picture().empty(), a.profile_picture());
  o["is_active"] = a.is_active();
  o["is_staff"] = is_staff(a.role());
  o["created_at"] = time_of(a.created_at(), TimeStyle::kNaive);
  return o;
}

std::string_view streetlight_role(userpb::Role role) {
  switch (role) {
    case userpb::ROLE_ADMIN:
      return "admin";
    case userpb::ROLE_OPERATOR:
      return "operator";
    default:
      return "viewer";
  }
}

json::object streetlight_user(const userpb::Account& a) {
  json::object o;
  o["id"] = std::to_string(a.id());
  o["name"] = optional_string(a.has_full_name(), a.full_name());
  o["email"] = optional_string(a.has_email(), a.email());
  o["role"] = streetlight_role(a.role());
  o["city"] = optional_string(a.has_city(), a.city());
  return o;
}

}  // namespace fleet::gateway::render
