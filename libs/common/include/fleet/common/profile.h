#pragma once
// The profile of an account (PLATFORM.md "One identity across surfaces"), each field absent or
// present: shared by the user service's domain, which owns accounts, and by the other services'
// views of them (auth's), so the fields are declared once.
#include <optional>
#include <string>

namespace fleet {

struct Profile {
  std::optional<std::string> username;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> full_name;
  std::optional<std::string> city;
  std::optional<std::string> profile_picture;
};

}  // namespace fleet
