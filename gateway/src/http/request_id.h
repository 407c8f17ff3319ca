#pragma once
// X-Request-Id: a client's sane id (1..64 chars of [A-Za-z0-9._-]) is reused so that logs can
// be joined with the client's; anything else is replaced by a fresh random id.
#include <string>
#include <string_view>

namespace fleet::gateway::http {

bool is_sane_request_id(std::string_view id);
std::string new_request_id();  // 32 lowercase hex chars
std::string request_id_for(std::string_view client_value);

}  // namespace fleet::gateway::http
