#pragma once
// An account as each surface shows it (PLATFORM.md "One identity across surfaces").
#include <boost/json/object.hpp>
#include <string_view>

#include "user/v1/user.pb.h"

namespace fleet::gateway::render {

namespace userpb = ::fleetgate::user::v1;

bool is_admin(userpb::Role role);
bool is_staff(userpb::Role role);  // operator or admin

// rental's UserResponse carries the wallet's exact cash: see render/devices.h.
// {"id","email","username","full_name","is_active","is_superuser","created_at","updated_at"}
boost::json::object users_v1_user(const userpb::Account& account);
// {"id","full_name","phone","email","profile_picture","is_active","is_staff","created_at"}
boost::json::object repair_user(const userpb::Account& account);
// {"id":"<id>","name","email","role","city"}
boost::json::object streetlight_user(const userpb::Account& account);

// "viewer", "operator" or "admin".
std::string_view streetlight_role(userpb::Role role);

}  // namespace fleet::gateway::render
