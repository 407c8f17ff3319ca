// fleetgate-gateway: the edge gateway. Reads its configuration from the environment, fetches
// the token key from auth in the background, serves HTTP and WebSockets on GATEWAY_PORT with
// GATEWAY_THREADS threads, and stops cleanly on SIGINT/SIGTERM.
#include <grpcpp/channel.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <stdexcept>
#include <thread>
#include <vector>

#include "app/gateway.h"
#include "app/metrics.h"
#include "app/setting_text.h"
#include "auth/key_store.h"
#include "cache/change_feed.h"
#include "fleet/bus/bus.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/channel.h"
#include "fleet/services.h"
#include "readmodel/account_feed.h"
#include "readmodel/device_feed.h"
#include "realtime/chat_hub.h"
#include "realtime/device_hub.h"
#include "realtime/socket_registry.h"
#include "server/server.h"
#include "surfaces/routes.h"
#include "upstream/upstream.h"

namespace {

namespace net = boost::asio;
using namespace fleet::gateway;

struct Settings {
  unsigned short port;
  unsigned threads;
  // host:port of every service of services/services.tsv, by name, from its addr_env.
  std::map<std::string, std::string, std::less<>> addresses;
  std::chrono::milliseconds upstream_timeout;
  std::size_t max_body_bytes;
  std::string issuer;
  app::CorsPolicies cors;
  app::RateLimitRules rate_limits;
  std::vector<std::string> trusted_proxies;
  std::size_t rate_limit_clients;
  cache::ResponseCache::Limits response_cache;
  fleet::bus::Settings bus;  // NATS_URL: the other gateways, for chat; unset: none
};

// Chat messages between gateways (realtime/chat_hub.h).
constexpr const char* kChatSubject = "fleetgate.gateway.chat";

std::map<std::string, std::string, std::less<>> service_addresses() {
  std::map<std::string, std::string, std::less<>> addresses;
  for (const auto& service : fleet::services::kServices) {
    auto address = fleet::config::get_or(std::string(service.addr_env),
                                         "127.0.0.1:" + std::to_string(service.grpc_port));
    try {
      fleet::rpc::channel_target(address);  // one or several replicas, checked at start
    } catch (const std::invalid_argument& e) {
      throw fleet::config::ConfigError(std::string(service.addr_env) + ": " + e.what());
    }
    addresses.emplace(service.name, std::move(address));
  }
  return addresses;
}

// CORS_ORIGINS, CORS_METHODS, CORS_HEADERS, CORS_MAX_AGE (app/cors.h has the format).
app::CorsPolicies read_cors() {
  namespace config = fleet::config;
  const app::CorsSettings defaults;
  try {
    return app::parse_cors({config::get_or("CORS_ORIGINS", defaults.origins),
                            config::get_or("CORS_METHODS", defaults.methods),
                            config::get_or("CORS_HEADERS", defaults.headers),
                            config::get_or("CORS_MAX_AGE", defaults.max_age)});
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(e.what());
  }
}

// RATE_LIMITS (app/rate_limit.h has the format); a route rule must name a row of a table.
app::RateLimitRules read_rate_limits() {
  namespace config = fleet::config;
  app::RateLimitRules rules;
  try {
    rules =
        app::parse_rate_limits(config::get_or("RATE_LIMITS", std::string(app::kDefaultRateLimits)));
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(e.what());
  }
  for (const auto& [route, rate] : rules.routes) {
    bool found = false;
    for (const auto& table : surfaces::http_tables()) {
      for (const auto& row : table) {
        found = found || route == std::string(row.method) + " " + std::string(row.path);
      }
    }
    if (!found) throw config::ConfigError("RATE_LIMITS: no endpoint '" + route + "'");
  }
  return rules;
}

Settings read_settings() {
  namespace config = fleet::config;
  const auto hardware = std::max(1u, std::thread::hardware_concurrency());
  return Settings{
      static_cast<unsigned short>(config::get_int("GATEWAY_PORT", 8000, 0, 65535)),
      static_cast<unsigned>(config::get_int("GATEWAY_THREADS", hardware, 1, 512)),
      service_addresses(),
      std::chrono::milliseconds(config::get_int("UPSTREAM_TIMEOUT_MS", 5000, 1, 600'000)),
      static_cast<std::size_t>(config::get_int("MAX_BODY_BYTES", 1'048'576, 1, 1LL << 30)),
      config::get_or("JWT_ISSUER", "fleetgate"),
      read_cors(),
      read_rate_limits(),
      app::split_list(config::get_or("TRUSTED_PROXIES", "")),
      static_cast<std::size_t>(config::get_int("RATE_LIMIT_CLIENTS", 100'000, 16, 100'000'000)),
      cache::ResponseCache::Limits{.max_entries = static_cast<std::size_t>(config::get_int(
                                       "RESPONSE_CACHE_ENTRIES", 10'000, 0, 10'000'000)),
                                   .max_bytes = static_cast<std::size_t>(config::get_int(
                                       "RESPONSE_CACHE_BYTES", 64LL << 20, 0, 1LL << 40)),
                                   .shards = 16},
      fleet::bus::Settings::from_env(),
  };
}

// The services whose change feeds some cacheable row depends on.
std::vector<std::string_view> cached_services() {
  std::vector<std::string_view> services;
  for (const auto& table : surfaces::http_tables()) {
    for (const auto& row : table) {
      const auto service = row.cache.service;
      if (!service.empty() &&
          std::find(services.begin(), services.end(), service) == services.end()) {
        services.push_back(service);
      }
    }
  }
  return services;
}

// Every connection is a descriptor; the default soft limit (1024) is far below what an edge
// server needs, and raising it to the hard limit needs no privilege.
void raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) fleet::log::warn("rlimit_nofile_unchanged");
}

// After SIGINT/SIGTERM (see main): let requests in progress finish, up to `deadline`, but wait at
// least until `earliest` so that the sockets' 1001 close frames go out, then stop.
void drain_then_stop(net::io_context& ioc, server::Server& server,
                     std::shared_ptr<net::steady_timer> timer,
                     std::chrono::steady_clock::time_point earliest,
                     std::chrono::steady_clock::time_point deadline) {
  const auto now = std::chrono::steady_clock::now();
  if ((server.active_requests() == 0 && now >= earliest) || now >= deadline) {
    ioc.stop();
    return;
  }
  timer->expires_after(std::chrono::milliseconds(50));
  timer->async_wait([&ioc, &server, timer, earliest, deadline](boost::system::error_code) {
    drain_then_stop(ioc, server, timer, earliest, deadline);
  });
}

// Closes the sockets whose token has expired, once a second on the gateway's clock.
void sweep_sockets(realtime::SocketRegistry& sockets, std::shared_ptr<net::steady_timer> timer) {
  timer->expires_after(std::chrono::seconds(1));
  timer->async_wait([&sockets, timer](boost::system::error_code ec) {
    if (ec) return;
    sockets.sweep();
    sweep_sockets(sockets, timer);
  });
}

}  // namespace

int main() {
  fleet::log::init("gateway");
  Settings settings;
  try {
    settings = read_settings();
  } catch (const fleet::config::ConfigError& e) {
    fleet::log::error("config_invalid", {{"cause", e.what()}});
    return 1;
  }
  raise_file_limit();

  net::io_context ioc(static_cast<int>(settings.threads));
  upstream::InFlight in_flight;
  // The same clock as the services (FLEETGATE_CLOCK_OFFSET_FILE lets tests move time in every
  // process at once): token times and countdowns agree with what the services computed.
  auto clock = fleet::clock_from_env();
  // Reconnects within about a second of a service's restart (fleet/rpc/channel.h).
  std::map<std::string, std::shared_ptr<grpc::Channel>, std::less<>> channels;
  for (const auto& [name, address] : settings.addresses) {
    channels.emplace(name, fleet::rpc::make_channel(address));
  }
  app::Metrics metrics;
  upstream::Upstream upstream(channels, settings.upstream_timeout, in_flight);
  upstream.count_calls(metrics.upstream());
  auth::KeyStore keys(settings.issuer, *clock);
  realtime::DeviceHub devices(ioc, upstream, *clock, metrics);
  realtime::ChatHub chat(*clock);
  // Declared after the hub it feeds: closed (no handler running) before the hub goes.
  std::unique_ptr<fleet::bus::Bus> bus;
  if (settings.bus.enabled()) {
    bus = std::make_unique<fleet::bus::Bus>(settings.bus, "gateway", fleet::bus::Bus::Listener{});
    bus->subscribe(kChatSubject, [&chat](std::string_view text) { chat.deliver_remote(text); });
    chat.set_relay([&bus = *bus](const std::string& text) { bus.publish(kChatSubject, text); });
  }
  readmodel::DeviceModel device_model(*clock, metrics);
  realtime::SocketRegistry sockets(*clock, metrics);
  // A deleted or deactivated account's sockets close as soon as the model hears of it.
  readmodel::AccountModel account_model(
      metrics, [&sockets](std::int64_t user_id) { sockets.close_account(user_id); });
  app::RateLimiter limiter(settings.rate_limits, settings.trusted_proxies,
                           settings.rate_limit_clients, *clock);
  const auto feed_services = cached_services();
  cache::ResponseCache responses(feed_services, settings.response_cache);
  std::atomic<bool> draining{false};
  app::Gateway gateway(app::Services{upstream, keys, metrics, devices, chat, &device_model,
                                     &account_model, &sockets, &responses, &draining,
                                     bus.get()},
                       settings.cors, &limiter);
  server::Server server(ioc, gateway,
                        server::Limits{.header_bytes = 8 * 1024,
                                       .body_bytes = settings.max_body_bytes,
                                       .idle_timeout = std::chrono::seconds(30)});
  try {
    server.start(settings.port);
  } catch (const std::exception& e) {
    fleet::log::error("listen_failed",
                      {{"port", static_cast<int>(settings.port)}, {"cause", e.what()}});
    return 1;
  }

  // The feeds start only once the port is ours: their streams call back from gRPC's threads
  // into the io_context, so returning above with them running crashed the exit (SIGSEGV).
  auto device_feed = readmodel::follow_devices(ioc, upstream, device_model);
  auto account_feed = readmodel::follow_accounts(ioc, upstream, account_model);
  std::vector<std::shared_ptr<cache::ChangeFeed>> change_feeds;
  // RESPONSE_CACHE_ENTRIES=0: no cache, no feeds.
  if (settings.response_cache.max_entries > 0) {
    for (auto service : feed_services) {
      change_feeds.push_back(cache::follow_changes(ioc, upstream, responses, metrics, service));
    }
  }

  net::co_spawn(ioc, auth::fetch_public_key(upstream, keys), [](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      fleet::log::error("token_key_fetch_failed", {{"cause", e.what()}});
    }
  });

  auto sweep_timer = std::make_shared<net::steady_timer>(ioc);
  sweep_sockets(sockets, sweep_timer);

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    // Stop accepting and report not ready, close every WebSocket with 1001 (going away), and
    // let the requests in flight finish within the drain time.
    fleet::log::info("stopping", {{"signal", signal}});
    draining = true;
    server.stop_accepting();
    const auto closed = sockets.close_for_shutdown();
    fleet::log::info("sockets_closed_for_shutdown",
                     {{"sockets", static_cast<std::int64_t>(closed)}});
    const auto now = std::chrono::steady_clock::now();
    drain_then_stop(ioc, server, std::make_shared<net::steady_timer>(ioc),
                    now + std::chrono::milliseconds(250), now + std::chrono::seconds(5));
  });

  fleet::log::info("gateway_listening",
                   {{"port", static_cast<int>(server.port())},
                    {"threads", static_cast<int>(settings.threads)},
                    {"services", static_cast<int>(settings.addresses.size())}});
  std::vector<std::thread> threads;
  threads.reserve(settings.threads - 1);
  for (unsigned i = 1; i < settings.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& thread : threads) thread.join();

  // Upstream streams end once cancelled; their last callbacks post into the io_context, so it
  // must outlive them as it outlives pending calls.
  devices.shutdown();
  device_feed->stop();
  for (const auto& feed : change_feeds) feed->stop();
  account_feed->stop();
  if (!in_flight.wait_idle(settings.upstream_timeout + std::chrono::seconds(1))) {
    fleet::log::warn("upstream_calls_outstanding_at_exit");
  }
  fleet::log::info("stopped");
  return 0;
}
