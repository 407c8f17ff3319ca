// fleetgate-auth: reads its configuration, migrates its database, loads the signing key, serves
// AuthService, and reports SERVING once the admin account has a credential.
#include <sodium.h>

#include <fstream>
#include <iterator>
#include <stop_token>
#include <thread>

#include "domain/admin_bootstrap.h"
#include "domain/auth_domain.h"
#include "domain/signing_key.h"
#include "fleet/common/clock.h"
#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/db/db.h"
#include "fleet/idempotency/store.h"
#include "fleet/rpc/server.h"
#include "grpc/auth_service.h"
#include "grpc/user_directory_client.h"
#include "repository/mariadb_credential_repository.h"
#include "repository/migrations.h"

namespace {

using namespace std::chrono_literals;
namespace auth = fleet::auth;
namespace config = fleet::config;
namespace log = fleet::log;

struct Settings {
  int grpc_port = 50051;
  std::string user_addr;
  std::chrono::seconds access_token_ttl{3600};
  unsigned worker_threads = 8;
  auth::AuthOptions options;
  std::string signing_key_file;  // empty: keep the key in the database
  std::string admin_username;
  std::string admin_password;
  fleet::db::Config db;

  static Settings from_env() {
    constexpr std::int64_t kTenYears = 10LL * 366 * 24 * 3600;
    Settings s;
    s.grpc_port = static_cast<int>(config::get_int("AUTH_GRPC_PORT", 50051, 0, 65535));
    s.user_addr = config::get_or("USER_ADDR", "127.0.0.1:50052");
    s.access_token_ttl =
        std::chrono::seconds(config::get_int("ACCESS_TOKEN_TTL", 3600, 1, kTenYears));
    s.worker_threads = static_cast<unsigned>(config::get_int("WORKER_THREADS", 8, 1, 1024));
    s.options.refresh_token_ttl =
        std::chrono::seconds(config::get_int("REFRESH_TOKEN_TTL", 2'592'000, 1, kTenYears));
    s.options.refresh_token_rotation = config::get_bool("REFRESH_TOKEN_ROTATION", false);
    s.options.issuer = config::get_or("JWT_ISSUER", "fleetgate");
    s.signing_key_file = config::get_or("AUTH_SIGNING_KEY_FILE", "");
    s.admin_username = config::require("ADMIN_USERNAME");
    s.admin_password = config::require("ADMIN_PASSWORD");
    if (s.admin_password.size() > auth::kMaxPasswordBytes) {
      throw config::ConfigError("ADMIN_PASSWORD: must be at most 1024 bytes");
    }
    s.db = fleet::db::Config::from_env("fleetgate_auth");
    return s;
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config::ConfigError("AUTH_SIGNING_KEY_FILE: cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The database may still be starting (local runs start everything at once): retry briefly.
void migrate_with_retry(const fleet::db::Config& db) {
  for (int attempt = 1;; ++attempt) {
    try {
      fleet::db::migrate(db, auth::migrations());
      return;
    } catch (const fleet::db::ConnectionLost& e) {
      if (attempt >= 30) throw;
      log::warn("database_not_ready", {{"attempt", attempt}, {"cause", e.what()}});
      std::this_thread::sleep_for(1s);
    }
  }
}

auth::SigningKey load_signing_key(const Settings& settings, auth::SigningKeyStore& store,
                                  const fleet::Clock& clock) {
  if (settings.signing_key_file.empty()) {
    auto key = auth::load_or_create_signing_key(store, clock);
    log::info("signing_key_loaded", {{"source", "database"}, {"kid", key.key_id}});
    return key;
  }
  try {
    auto key = auth::signing_key_from_pem(read_file(settings.signing_key_file));
    log::info("signing_key_loaded", {{"source", "file"}, {"kid", key.key_id}});
    return key;
  } catch (const std::invalid_argument&) {
    throw config::ConfigError("AUTH_SIGNING_KEY_FILE: not an Ed25519 private key PEM");
  }
}

void run() {
  const Settings settings = Settings::from_env();
  if (sodium_init() < 0) throw std::runtime_error("sodium_init failed");

  // Single-threaded start-up work first, while SIGTERM still simply ends the process.
  migrate_with_retry(settings.db);
  fleet::db::Pool pool(settings.db);
  auth::MariaDbCredentialRepository repository(pool);
  // The system clock, or a shifted one for end-to-end tests (FLEETGATE_CLOCK_OFFSET_FILE).
  const std::unique_ptr<fleet::Clock> clock_ptr = fleet::clock_from_env();
  const fleet::Clock& clock = *clock_ptr;

  const auth::SigningKey key = load_signing_key(settings, repository, clock);
  const fleet::token::Signer signer(key.private_key_pem, settings.options.issuer, key.key_id,
                                    settings.access_token_ttl, clock);
  const auth::PasswordHasher hasher;
  auth::AuthDomain domain(repository, hasher, signer, clock, settings.options);

  // Blocks SIGTERM/SIGINT for run_until_signal: constructed before any thread (gRPC's) starts.
  fleet::rpc::Server server("auth", "0.0.0.0:" + std::to_string(settings.grpc_port));

  // gRPC's reconnect backoff grows to 120 s by default; the user service may start after us
  // and should be picked up within seconds.
  grpc::ChannelArguments channel_args;
  channel_args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  channel_args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  auto channel = grpc::CreateCustomChannel(settings.user_addr, grpc::InsecureChannelCredentials(),
                                           channel_args);
  auto user_stub = fleetgate::user::v1::UserService::NewStub(channel);

  auto workers = std::make_unique<fleet::rpc::WorkerPool>(settings.worker_threads);
  // Register is exactly-once per X-Idempotency-Key: the credential commits with the key.
  fleet::idempotency::Store idempotency(pool, clock);
  auth::AuthGrpcService service(
      domain, *user_stub, *workers,
      auth::ExactlyOnceRegister{idempotency, [](fleet::db::Connection& conn, std::int64_t user_id,
                                                const std::string& hash, auth::TimePoint now) {
                                  auth::MariaDbCredentialRepository::set_password_hash(
                                      conn, user_id, hash, now);
                                }});
  server.add_service(&service);
  server.start();
  log::info("auth_started", {{"port", server.port()},
                             {"user_addr", settings.user_addr},
                             {"rotation", settings.options.refresh_token_rotation ? "on" : "off"}});

  // Health stays NOT_SERVING until the admin can sign in.
  std::jthread bootstrap([&](std::stop_token stop) {
    auth::GrpcUserDirectory users(*user_stub, nullptr);
    auth::run_admin_bootstrap(stop, domain, users, settings.admin_username, settings.admin_password,
                              [&] { server.set_serving(true); });
  });
  server.run_until_signal();
  bootstrap.request_stop();
  // Queued work refers to the service and the domain: drain it while they still exist.
  workers.reset();
}

}  // namespace

int main() { return fleet::rpc::service_main("auth", run); }
