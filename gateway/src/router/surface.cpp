#include "router/surface.h"

namespace fleet::gateway {
namespace {

bool has_prefix(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

Surface surface_for_path(std::string_view raw_path) {
  if (has_prefix(raw_path, "/api/v1")) return Surface::kUsersV1;
  if (has_prefix(raw_path, "/v1")) return Surface::kRepair;
  if (has_prefix(raw_path, "/api")) return Surface::kStreetlight;
  if (has_prefix(raw_path, "/pisync")) return Surface::kPisync;
  return Surface::kRental;
}

std::string_view surface_name(Surface surface) {
  switch (surface) {
    case Surface::kRental:
      return "rental";
    case Surface::kUsersV1:
      return "users-v1";
    case Surface::kRepair:
      return "repair";
    case Surface::kStreetlight:
      return "streetlight";
    case Surface::kPisync:
      return "pisync";
  }
  return "rental";
}

std::optional<Surface> surface_named(std::string_view name) {
  for (std::size_t i = 0; i < kSurfaceCount; ++i) {
    if (surface_name(static_cast<Surface>(i)) == name) return static_cast<Surface>(i);
  }
  return std::nullopt;
}

}  // namespace fleet::gateway
