#pragma once
// The five public APIs the gateway serves, chosen by path prefix.
#include <cstddef>
#include <optional>
#include <string_view>

namespace fleet::gateway {

enum class Surface { kRental, kUsersV1, kRepair, kStreetlight, kPisync };
inline constexpr std::size_t kSurfaceCount = 5;

// /api/v1 users-v1, /v1 repair, /api streetlight, /pisync pisync, anything else rental.
// Prefixes match whole segments: "/api/v10" is streetlight, "/v1x" is rental.
Surface surface_for_path(std::string_view raw_path);

std::string_view surface_name(Surface surface);
// The surface of that name ("users-v1"), for settings that name surfaces.
std::optional<Surface> surface_named(std::string_view name);

}  // namespace fleet::gateway
