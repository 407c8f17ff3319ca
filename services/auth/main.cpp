// fleetgate-auth: reads its Settings, migrates its database (waiting for it), loads the signing
// key, serves AuthService, and reports SERVING once the admin account has a credential.
#include <sodium.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stop_token>
#include <thread>

#include "api/auth_service.h"
#include "api/user_directory_client.h"
#include "domain/admin_bootstrap.h"
#include "domain/auth_domain.h"
#include "domain/refresh_token_pruner.h"
#include "domain/signing_key.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/common/priority.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/bounded_pool.h"
#include "fleet/rpc/channel.h"
#include "fleet/rpc/server.h"
#include "fleet/service/host.h"
#include "repository/mariadb_auth_repository.h"
#include "repository/migrations.h"

namespace {

using namespace std::chrono_literals;
namespace auth = fleet::auth;
namespace config = fleet::config;
namespace log = fleet::log;

// "a.pem, b.pem" -> {"a.pem", "b.pem"}; empty entries are skipped.
std::vector<std::string> split_paths(const std::string& list) {
  std::vector<std::string> paths;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    std::string path = list.substr(start, comma - start);
    path.erase(0, path.find_first_not_of(" \t"));
    path.erase(path.find_last_not_of(" \t") + 1);
    if (!path.empty()) paths.push_back(std::move(path));
    start = comma + 1;
  }
  return paths;
}

// Read once from the environment; a missing or malformed value fails the start (ConfigError).
struct Settings {
  fleet::service::HostSettings host;  // AUTH_GRPC_PORT, WORKER_THREADS, DB_*
  std::string user_addr;
  std::chrono::seconds access_token_ttl{3600};
  auth::AuthOptions options;
  std::string signing_key_file;  // empty: keep the key in the database
  // Previous signing keys' PEM files, published until their file's mtime + access_token_ttl.
  std::vector<std::string> previous_key_files;
  std::string admin_username;
  std::string admin_password;
  // The argon2id pool (Register, Login, SetPassword): its threads and how many calls may wait
  // for one before the next is refused with RESOURCE_EXHAUSTED.
  unsigned hash_threads = 1;
  std::size_t hash_queue = 16;
  // The whole process yields the CPU to other processes (reads over logins); see kHashNice.
  bool yield_cpu = false;

  static Settings from_env() {
    constexpr std::int64_t kTenYears = 10LL * 366 * 24 * 3600;
    Settings s;
    s.host = fleet::service::HostSettings::from_env("auth", "AUTH_GRPC_PORT", 50051,
                                                    "fleetgate_auth", 1024);
    s.user_addr = config::get_or("USER_ADDR", "127.0.0.1:50052");
    s.access_token_ttl =
        std::chrono::seconds(config::get_int("ACCESS_TOKEN_TTL", 3600, 1, kTenYears));
    s.options.refresh_token_ttl =
        std::chrono::seconds(config::get_int("REFRESH_TOKEN_TTL", 2'592'000, 1, kTenYears));
    s.options.refresh_token_rotation = config::get_bool("REFRESH_TOKEN_ROTATION", false);
    s.options.issuer = config::get_or("JWT_ISSUER", "fleetgate");
    s.signing_key_file = config::get_or("AUTH_SIGNING_KEY_FILE", "");
    s.previous_key_files = split_paths(config::get_or("AUTH_PREVIOUS_KEY_FILES", ""));
    s.admin_username = config::require("ADMIN_USERNAME");
    s.admin_password = config::require("ADMIN_PASSWORD");
    // Every core may hash, at a lower priority (kHashNice), so logins use the CPU that reads
    // leave and never slow them down.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    s.hash_threads = static_cast<unsigned>(config::get_int("AUTH_HASH_THREADS", cores, 1, 64));
    s.hash_queue = static_cast<std::size_t>(config::get_int("AUTH_HASH_QUEUE", 16, 0, 10000));
    s.yield_cpu = config::get_bool("AUTH_YIELD_CPU", false);
    if (s.admin_password.size() > auth::kMaxPasswordBytes) {
      throw config::ConfigError("ADMIN_PASSWORD: must be at most 1024 bytes");
    }
    return s;
  }
};

// How often expired and revoked refresh tokens are deleted (also once at start).
constexpr std::chrono::minutes kPruneInterval{5};

// The hashing threads' nice value: a login's ~30 ms of argon2id yields to requests and RPCs.
// With AUTH_YIELD_CPU the whole process takes it too against other processes
// (fleet/common/priority.h): without that, a service in a session of its own gets an equal share
// of the CPU whatever its threads' nice, and logins took a third of the cores from the gateway's
// reads. Off by default: on a machine that other busy processes share, a yielding auth can wait
// past the gateway's deadline (504) for the CPU a hash needs.
constexpr int kHashNice = 10;

std::string read_file(const std::string& variable, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config::ConfigError(variable + ": cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Each previous key was retired when its file was last written: the operator moves the old key
// there as the new one is installed (README "Rotating the signing key"); `touch` it to say when.
std::vector<auth::RetiredKey> load_previous_keys(const Settings& settings) {
  std::vector<auth::RetiredKey> keys;
  for (const auto& path : settings.previous_key_files) {
    const std::string pem = read_file("AUTH_PREVIOUS_KEY_FILES", path);
    std::error_code error;
    const auto written = std::filesystem::last_write_time(path, error);
    if (error) throw config::ConfigError("AUTH_PREVIOUS_KEY_FILES: cannot stat " + path);
    const auto retired_at = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::file_clock::to_sys(written));
    try {
      keys.push_back(auth::retired_key_from_pem(pem, retired_at, settings.access_token_ttl));
    } catch (const std::invalid_argument&) {
      throw config::ConfigError("AUTH_PREVIOUS_KEY_FILES: not an Ed25519 key PEM: " + path);
    }
    log::info("previous_key_loaded",
              {{"kid", keys.back().key_id},
               {"verify_until", std::chrono::duration_cast<std::chrono::seconds>(
                                    keys.back().verify_until.time_since_epoch())
                                    .count()}});
  }
  return keys;
}

auth::SigningKey load_signing_key(const Settings& settings, auth::SigningKeyStore& store,
                                  const fleet::Clock& clock) {
  if (settings.signing_key_file.empty()) {
    auto key = auth::load_or_create_signing_key(store, clock);
    log::info("signing_key_loaded", {{"source", "database"}, {"kid", key.key_id}});
    return key;
  }
  try {
    auto key =
        auth::signing_key_from_pem(read_file("AUTH_SIGNING_KEY_FILE", settings.signing_key_file));
    log::info("signing_key_loaded", {{"source", "file"}, {"kid", key.key_id}});
    return key;
  } catch (const std::invalid_argument&) {
    throw config::ConfigError("AUTH_SIGNING_KEY_FILE: not an Ed25519 private key PEM");
  }
}

void run() {
  const Settings settings = Settings::from_env();
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");

  // Blocks SIGTERM/SIGINT for run_until_signal, waits for the database and migrates it, opens
  // the pool, the workers and the server: before anything else starts a thread (gRPC's).
  fleet::service::Host host(settings.host, auth::kMigrations);
  auth::MariadbAuthRepository repository(host.pool());
  // The system clock, or a shifted one for end-to-end tests (FLEETGATE_CLOCK_OFFSET_FILE).
  const std::unique_ptr<fleet::Clock> clock_ptr = fleet::clock_from_env();
  const fleet::Clock& clock = *clock_ptr;

  const auth::SigningKey key = load_signing_key(settings, repository, clock);
  const fleet::token::Signer signer(key.private_key_pem, settings.options.issuer, key.key_id,
                                    settings.access_token_ttl, clock);
  const auth::PasswordHasher hasher;
  auth::AuthOptions options = settings.options;
  options.retired_keys = load_previous_keys(settings);
  auth::AuthDomain domain(repository, hasher, signer, clock, options);

  // The user service may start after us or restart: picked up within about a second.
  auto channel = fleet::rpc::make_channel(settings.user_addr);
  auto user_stub = fleetgate::user::v1::UserService::NewStub(channel);

  // Register is exactly-once per X-Idempotency-Key: the credential commits with the key.
  fleet::idempotency::Store idempotency(host.pool(), clock);
  const bool yielding =
      settings.yield_cpu && fleet::priority::yield_to_other_processes(kHashNice);
  // Hashing has threads of its own, so the other RPCs never wait behind it (19 MiB each).
  auto hashing =
      std::make_unique<fleet::rpc::BoundedPool>(settings.hash_threads, settings.hash_queue, kHashNice);
  auth::AuthService service(
      domain, *user_stub, host.workers(), *hashing,
      auth::ExactlyOnceRegister{idempotency, &auth::MariadbAuthRepository::transaction_on});
  host.start({&service});
  log::info("auth_started", {{"port", host.server().port()},
                             {"user_addr", settings.user_addr},
                             {"rotation", settings.options.refresh_token_rotation ? "on" : "off"},
                             {"hash_threads", static_cast<std::int64_t>(settings.hash_threads)},
                             {"hash_queue", static_cast<std::int64_t>(settings.hash_queue)},
                             {"yields_to_other_processes", yielding ? "yes" : "no"}});

  // Health stays NOT_SERVING until the admin can sign in.
  std::jthread bootstrap([&](std::stop_token stop) {
    auth::GrpcUserDirectory users(*user_stub, nullptr);
    auth::run_admin_bootstrap(stop, domain, users, settings.admin_username, settings.admin_password,
                              [&] { host.set_serving(true); });
  });
  // A thread of its own: a batch of deletes never holds up an RPC's worker.
  std::jthread pruner([&](std::stop_token stop) {
    auth::run_refresh_token_pruner(stop, repository, clock, kPruneInterval);
  });
  // Drains the workers before the service and the domain they refer to go away.
  host.run_until_signal();
  hashing.reset();  // drains admitted hashing work while the service it refers to still exists
  bootstrap.request_stop();
  pruner.request_stop();
}

}  // namespace

int main() { return fleet::rpc::service_main("auth", run); }
