#pragma once
// What every surface's rows are written with: the Call a translation gets, the typed upstream
// method sets, and the proto namespaces.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "endpoint/accounts.h"
#include "endpoint/call.h"
#include "endpoint/endpoint.h"

namespace fleet::gateway::surfaces {

using endpoint::Call;
using upstream::AuthRpc;
using upstream::DeviceSessionRpc;
using upstream::UserRpc;
namespace json = boost::json;
namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
namespace dspb = upstream::dspb;
// A row's translation.
using Awaitable = boost::asio::awaitable<http::Response>;

}  // namespace fleet::gateway::surfaces
