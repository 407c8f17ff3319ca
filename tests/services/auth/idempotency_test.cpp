// Exactly-once Register (libs/idempotency) against a throwaway MariaDB (TEST_DB_*): the real
// repository and key store, the gRPC adapter in process, a fake user service over gRPC.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <catch2/catch.hpp>

#include "api/auth_service.h"
#include "auth/v1/auth.grpc.pb.h"
#include "domain/signing_key.h"
#include "fake_user_service.h"
#include "fleet/idempotency/store.h"
#include "fleet/idempotency/unary.h"
#include "fleet/rpc/server.h"
#include "repository/mariadb_auth_repository.h"
#include "repository/migrations.h"
#include "test_database.h"

using namespace fleet::auth;
using namespace std::chrono_literals;
namespace apb = fleetgate::auth::v1;
namespace upb = fleetgate::user::v1;
using fleet::auth::testing::ServedFakeUserService;
using fleet::db::testing::TestDatabase;
using fleet::rpc::testing::InProcessServer;

namespace {

struct Harness;

// The repository's credential writes on the key's transaction, with failures injected.
class InjectedCredentials final : public CredentialTransaction {
 public:
  InjectedCredentials(Harness& h, fleet::db::Connection& conn) : h_(h), conn_(conn) {}
  void set_password_hash(std::int64_t user_id, const std::string& hash, TimePoint now) override;

 private:
  Harness& h_;
  fleet::db::Connection& conn_;
};

struct Harness {
  Harness()
      : pool((fleet::db::migrate(database.config(), kMigrations), database.config())),
        repo(pool),
        key(load_or_create_signing_key(repo, clock)),
        signer(key.private_key_pem, "fleetgate", key.key_id, 3600s, clock),
        domain(repo, hasher, signer, clock, {3600s, false, "fleetgate", {}}),
        store(pool, clock),
        workers(2),
        hashing(2, 8),
        service(domain, *users.stub, workers, hashing,
                ExactlyOnceRegister{store,
                                    [this](fleet::db::Connection& conn) {
                                      return std::make_unique<InjectedCredentials>(*this, conn);
                                    }}),
        served(service, "auth-idem-test"),
        auth(&served.stub()) {}

  struct Result {
    grpc::Status status;
    apb::RegisterResponse response;
    std::string outcome;  // the x-idempotency trailer, "" if none
  };
  Result call(const std::string& username, const std::string& idem_key,
              const std::string& fingerprint, const std::string& caller = "anonymous") {
    apb::RegisterRequest request;
    request.mutable_account()->set_username(username);
    request.set_password("pw-" + username);
    request.set_issue_access_token(true);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    if (!idem_key.empty()) {
      context.AddMetadata(std::string(fleet::idempotency::kKeyHeader), idem_key);
      context.AddMetadata(std::string(fleet::idempotency::kFingerprintHeader), fingerprint);
      context.AddMetadata(std::string(fleet::idempotency::kCallerHeader), caller);
    }
    Result result;
    result.status = auth->Register(&context, request, &result.response);
    const auto& trailers = context.GetServerTrailingMetadata();
    if (auto it = trailers.find(std::string(fleet::idempotency::kOutcomeTrailer));
        it != trailers.end()) {
      result.outcome.assign(it->second.data(), it->second.size());
    }
    return result;
  }
  std::size_t accounts() {
    std::lock_guard lock(users.service.mutex);
    return users.service.directory.accounts.size();
  }
  std::int64_t key_rows() {
    return pool.acquire()->query_one("SELECT COUNT(*) FROM idempotency_keys", {})->i64(0);
  }

  TestDatabase database;
  fleet::db::Pool pool;
  MariadbAuthRepository repo;
  fleet::ManualClock clock;
  SigningKey key;
  fleet::token::Signer signer;
  PasswordHasher hasher;
  AuthDomain domain;
  fleet::idempotency::Store store;
  fleet::rpc::WorkerPool workers;
  fleet::rpc::BoundedPool hashing;
  std::atomic<int> fail_credentials{0};
  std::atomic<int> lose_connection_after_credential{0};
  ServedFakeUserService users;
  AuthService service;
  InProcessServer<apb::AuthService> served;
  apb::AuthService::Stub* auth;
};

void InjectedCredentials::set_password_hash(std::int64_t user_id, const std::string& hash,
                                            TimePoint now) {
  if (h_.fail_credentials > 0) {
    --h_.fail_credentials;
    throw std::runtime_error("credential insert failed");
  }
  MariadbAuthRepository::set_password_hash(conn_, user_id, hash, now);
  if (h_.lose_connection_after_credential > 0) {
    // As a MariaDB restart would: the key's completion and the commit that follow fail, and the
    // credential rolls back.
    --h_.lose_connection_after_credential;
    const auto id = conn_.query_one("SELECT CONNECTION_ID()")->str(0);
    h_.pool.acquire()->execute("KILL CONNECTION " + id);
  }
}

}  // namespace

TEST_CASE("a repeated Register replays the stored response: one account", "[auth][idem][db]") {
  Harness h;
  auto first = h.call("ada", "k-1", "fp-ada");
  REQUIRE(first.status.error_message() == "");
  CHECK(first.outcome.empty());
  CHECK_FALSE(first.response.access_token().empty());
  h.clock.advance(5s);  // a fresh token now would differ: the replay must not sign one
  auto again = h.call("ada", "k-1", "fp-ada");
  REQUIRE(again.status.ok());
  CHECK(again.outcome == "replayed");
  CHECK(again.response.SerializeAsString() == first.response.SerializeAsString());
  CHECK(h.accounts() == 1);
  CHECK(h.repo.find_password_hash(first.response.account().id()));

  // Keys are per caller: another caller's "k-1" is a new registration.
  auto other = h.call("bob", "k-1", "fp-ada", "42");
  REQUIRE(other.status.ok());
  CHECK(other.outcome.empty());
  CHECK(h.accounts() == 2);
  // Without a key, nothing is stored and a repeat is a second attempt.
  REQUIRE(h.call("cy", "", "").status.ok());
  CHECK(h.call("cy", "", "").status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(h.key_rows() == 2);
}

TEST_CASE("the same key with another request is a mismatch, in flight is ABORTED",
          "[auth][idem][db]") {
  Harness h;
  REQUIRE(h.call("ada", "k-1", "fp-ada").status.ok());
  auto other = h.call("eve", "k-1", "fp-eve");
  CHECK(other.status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(other.status.error_message() == "Idempotency key was used with a different request");
  CHECK(other.outcome == "mismatch");
  CHECK(h.accounts() == 1);

  h.pool.acquire()->execute(
      "INSERT INTO idempotency_keys (caller, idem_key, fingerprint, state, claim_token,"
      " created_at) VALUES ('anonymous', 'k-2', 'fp-x', 'in_flight', 7, ?)",
      {fleet::db::format_datetime(h.clock.now())});
  auto racing = h.call("x", "k-2", "fp-x");
  CHECK(racing.status.error_code() == grpc::StatusCode::ABORTED);
  CHECK(racing.outcome == "in-flight");
  CHECK(h.accounts() == 1);
}

TEST_CASE("a failed Register releases the key and undoes the account", "[auth][idem][db]") {
  Harness h;
  h.fail_credentials = 1;
  auto failed = h.call("ada", "k-1", "fp-ada");
  CHECK(failed.status.error_code() == grpc::StatusCode::INTERNAL);
  CHECK(h.accounts() == 0);  // compensated
  CHECK(h.key_rows() == 0);  // released

  auto retry = h.call("ada", "k-1", "fp-ada");
  REQUIRE(retry.status.error_message() == "");
  CHECK(retry.outcome.empty());  // ran now, not a replay of the failure
  CHECK(h.accounts() == 1);
  CHECK(h.repo.find_password_hash(retry.response.account().id()));
  CHECK(h.call("ada", "k-1", "fp-ada").outcome == "replayed");
}

TEST_CASE("a Register whose connection is lost before COMMIT runs again: one account",
          "[auth][idem][db]") {
  Harness h;
  h.lose_connection_after_credential = 1;  // the first attempt only (transact retries it once)
  auto done = h.call("bea", "k-2", "fp-bea");
  REQUIRE(done.status.error_message() == "");
  CHECK(h.accounts() == 1);  // the first attempt's account was undone before the second
  CHECK(h.repo.find_password_hash(done.response.account().id()));
  CHECK(h.call("bea", "k-2", "fp-bea").outcome == "replayed");
}

TEST_CASE("a Register whose commit fails after the credential was written undoes the account",
          "[auth][idem][db]") {
  Harness h;
  h.lose_connection_after_credential = 2;  // the first attempt and its retry
  auto failed = h.call("bea", "k-2", "fp-bea");
  CHECK(failed.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(h.accounts() == 0);  // no account left without a credential
  CHECK(h.key_rows() == 0);

  auto retry = h.call("bea", "k-2", "fp-bea");
  REQUIRE(retry.status.error_message() == "");
  CHECK(h.accounts() == 1);
  CHECK(h.repo.find_password_hash(retry.response.account().id()));
}
