// The gRPC adapter, the gRPC user-directory client and the admin bootstrap, in process: a real
// fleet::rpc::Server serving AuthService on localhost, talking to a fake UserService over gRPC.
// Storage is the in-memory fake, so no outside process is needed.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <thread>

#include "api/auth_service.h"
#include "api/user_directory_client.h"
#include "auth/v1/auth.grpc.pb.h"
#include "domain/admin_bootstrap.h"
#include "domain/signing_key.h"
#include "fake_user_service.h"
#include "fakes.h"
#include "fleet/rpc/server.h"
#include "fleet/rpc/testing/in_process_server.h"
#include "grpc/health/v1/health.grpc.pb.h"

using namespace fleet::auth;
using namespace std::chrono_literals;
namespace apb = fleetgate::auth::v1;
namespace upb = fleetgate::user::v1;
using fleet::auth::testing::FakeCredentialRepository;
using fleet::auth::testing::FakeUserDirectory;
using fleet::auth::testing::ServedFakeUserService;
using fleet::rpc::testing::InProcessServer;

namespace {

struct Harness {
  // hash_threads and hash_queue size the argon2id pool (Register, Login, SetPassword).
  explicit Harness(unsigned hash_threads = 2, std::size_t hash_queue = 8)
      : key(load_or_create_signing_key(repo, clock)),
        signer(key.private_key_pem, "fleetgate", key.key_id, 3600s, clock),
        domain(repo, hasher(), signer, clock, {3600s, false, "fleetgate", {}}),
        workers(2),
        hashing(hash_threads, hash_queue),
        service(domain, *users.stub, workers, hashing),
        served(service, "auth-test"),
        auth_server(served.server()),
        channel(served.channel()),
        auth(&served.stub()) {}

  static const PasswordHasher& hasher() {
    static const PasswordHasher instance;
    return instance;
  }
  static std::unique_ptr<grpc::ClientContext> ctx(const std::string& request_id = {}) {
    return fleet::rpc::testing::context(10s, request_id);
  }
  apb::RegisterResponse register_user(const std::string& username, const std::string& phone) {
    apb::RegisterRequest request;
    request.mutable_account()->set_username(username);
    request.mutable_account()->set_phone(phone);
    request.set_password("pw-" + username);
    request.set_issue_access_token(true);
    apb::RegisterResponse response;
    const auto status = auth->Register(ctx().get(), request, &response);
    REQUIRE(status.error_message() == "");
    return response;
  }

  fleet::ManualClock clock;
  FakeCredentialRepository repo;
  SigningKey key;
  fleet::token::Signer signer;
  AuthDomain domain;
  fleet::rpc::WorkerPool workers;
  fleet::rpc::BoundedPool hashing;
  ServedFakeUserService users;
  AuthService service;
  InProcessServer<apb::AuthService> served;
  fleet::rpc::Server& auth_server;
  std::shared_ptr<grpc::Channel> channel;
  apb::AuthService::Stub* auth;
};

}  // namespace

TEST_CASE("register, login, refresh and logout over gRPC", "[auth][grpc]") {
  Harness h;
  fleet::token::Verifier verifier(h.key.public_key_pem, "fleetgate", h.clock);

  const auto registered = h.register_user("alice", "5550001");
  CHECK(registered.account().username() == "alice");
  CHECK(registered.expires_in() == 3600);
  REQUIRE(verifier.verify(registered.access_token()));

  apb::LoginRequest login;
  login.set_phone("5550001");
  login.set_password("pw-alice");
  login.set_issue_refresh_token(true);
  apb::LoginResponse logged_in;
  REQUIRE(h.auth->Login(h.ctx("req-42").get(), login, &logged_in).ok());
  CHECK(logged_in.account().id() == registered.account().id());
  CHECK(logged_in.expires_in() == 3600);
  CHECK(verifier.verify(logged_in.access_token()).claims->user_id == registered.account().id());
  REQUIRE(logged_in.refresh_token().size() == 43);
  {
    // The request id travelled on to the user service.
    std::lock_guard lock(h.users.service.mutex);
    CHECK(h.users.service.request_ids.back() == "req-42");
  }

  apb::RefreshRequest refresh;
  refresh.set_refresh_token(logged_in.refresh_token());
  apb::RefreshResponse refreshed;
  REQUIRE(h.auth->Refresh(h.ctx().get(), refresh, &refreshed).ok());
  CHECK(verifier.verify(refreshed.access_token()));
  CHECK(refreshed.refresh_token().empty());
  CHECK(refreshed.expires_in() == 3600);

  apb::LogoutRequest logout;
  logout.set_refresh_token(logged_in.refresh_token());
  apb::LogoutResponse logged_out;
  REQUIRE(h.auth->Logout(h.ctx().get(), logout, &logged_out).ok());

  const auto status = h.auth->Refresh(h.ctx().get(), refresh, &refreshed);
  CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(status.error_message() == "Invalid or expired refresh token");
  const auto again = h.auth->Logout(h.ctx().get(), logout, &logged_out);
  CHECK(again.error_code() == grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE("refusals keep their codes and texts over gRPC", "[auth][grpc]") {
  Harness h;
  h.register_user("alice", "5550001");

  apb::RegisterRequest duplicate;
  duplicate.mutable_account()->set_username("alice");
  duplicate.set_password("x");
  apb::RegisterResponse registered;
  auto status = h.auth->Register(h.ctx().get(), duplicate, &registered);
  CHECK(status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK(status.error_message() == "Username already exists");
  duplicate.mutable_account()->set_username("bob");
  duplicate.set_password("");
  status = h.auth->Register(h.ctx().get(), duplicate, &registered);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message() == "Password must be 1 to 1024 characters");

  apb::LoginRequest login;
  login.set_username("alice");
  login.set_password("wrong");
  apb::LoginResponse response;
  status = h.auth->Login(h.ctx().get(), login, &response);
  CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(status.error_message() == "Invalid credentials");
  login.set_email("nobody@example.com");
  status = h.auth->Login(h.ctx().get(), login, &response);
  CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  CHECK(status.error_message() == "Invalid credentials");
  login.clear_identifier();
  status = h.auth->Login(h.ctx().get(), login, &response);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);

  apb::SetPasswordRequest set_password;
  set_password.set_user_id(0);
  set_password.set_password("x");
  apb::SetPasswordResponse set_response;
  CHECK(h.auth->SetPassword(h.ctx().get(), set_password, &set_response).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  set_password.set_user_id(1);
  set_password.set_password("new-pw");
  CHECK(h.auth->SetPassword(h.ctx().get(), set_password, &set_response).ok());
  login.set_username("alice");
  login.set_password("new-pw");
  CHECK(h.auth->Login(h.ctx().get(), login, &response).ok());

  apb::DeleteCredentialsRequest del;
  del.set_user_id(1);
  apb::DeleteCredentialsResponse del_response;
  CHECK(h.auth->DeleteCredentials(h.ctx().get(), del, &del_response).ok());
  CHECK(h.auth->Login(h.ctx().get(), login, &response).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
}

TEST_CASE("a full hashing pool refuses at once while the other RPCs still answer",
          "[auth][grpc][overload]") {
  Harness h(/*hash_threads=*/1, /*hash_queue=*/0);
  h.register_user("alice", "5550001");
  apb::LoginRequest login;
  login.set_username("alice");
  login.set_password("pw-alice");

  // A login holds the one hashing thread: it waits inside its user lookup.
  h.users.service.hold();
  grpc::Status held_status;
  std::thread held([&] {
    apb::LoginResponse response;
    held_status = h.auth->Login(h.ctx().get(), login, &response);
  });
  h.users.service.wait_for_held_calls(1);

  // Every hashing RPC is refused at once, not queued behind it.
  const auto started = std::chrono::steady_clock::now();
  apb::LoginResponse refused_login;
  auto status = h.auth->Login(h.ctx().get(), login, &refused_login);
  CHECK(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  CHECK(status.error_message() == "Too many requests");
  apb::RegisterRequest registration;
  registration.mutable_account()->set_username("bob");
  registration.set_password("pw-bob");
  apb::RegisterResponse registered;
  CHECK(h.auth->Register(h.ctx().get(), registration, &registered).error_code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED);
  apb::SetPasswordRequest set_password;
  set_password.set_user_id(1);
  set_password.set_password("new-pw");
  apb::SetPasswordResponse set_response;
  CHECK(h.auth->SetPassword(h.ctx().get(), set_password, &set_response).error_code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED);

  // The others run on the ordinary workers and answer meanwhile.
  apb::GetPublicKeyResponse key;
  CHECK(h.auth->GetPublicKey(h.ctx().get(), {}, &key).ok());
  apb::RefreshRequest refresh;
  refresh.set_refresh_token("not-a-token");
  apb::RefreshResponse refreshed;
  CHECK(h.auth->Refresh(h.ctx().get(), refresh, &refreshed).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  apb::LogoutRequest logout;
  logout.set_refresh_token("not-a-token");
  apb::LogoutResponse logged_out;
  CHECK(h.auth->Logout(h.ctx().get(), logout, &logged_out).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  CHECK(std::chrono::steady_clock::now() - started < 2s);  // nothing waited for the held login

  // Once the held login is done its place is free again.
  h.users.service.release();
  held.join();
  CHECK(held_status.ok());
  apb::LoginResponse again;
  CHECK(h.auth->Login(h.ctx().get(), login, &again).ok());
}

TEST_CASE("GetPublicKey hands out the verification key", "[auth][grpc]") {
  Harness h;
  apb::GetPublicKeyResponse key;
  REQUIRE(h.auth->GetPublicKey(h.ctx().get(), {}, &key).ok());
  CHECK(key.algorithm() == "EdDSA");
  CHECK(key.public_key_pem() == h.key.public_key_pem);
  CHECK(key.key_id() == h.key.key_id);
  CHECK(key.issuer() == "fleetgate");
  // The key set: the signing key alone, with no end, while no previous key is configured.
  REQUIRE(key.keys_size() == 1);
  CHECK(key.keys(0).key_id() == h.key.key_id);
  CHECK(key.keys(0).public_key_pem() == h.key.public_key_pem);
  CHECK(key.keys(0).verify_until() == 0);
  // What it hands out verifies what Login signs.
  h.register_user("alice", "5550001");
  apb::LoginRequest login;
  login.set_username("alice");
  login.set_password("pw-alice");
  apb::LoginResponse response;
  REQUIRE(h.auth->Login(h.ctx().get(), login, &response).ok());
  fleet::token::Verifier verifier(key.public_key_pem(), key.issuer(), h.clock);
  CHECK(verifier.verify(response.access_token()));
}

TEST_CASE("an unreachable user service is UNAVAILABLE, never a leak of the cause", "[auth][grpc]") {
  Harness h;
  h.users.server.reset();
  apb::LoginRequest login;
  login.set_username("alice");
  login.set_password("pw");
  apb::LoginResponse response;
  const auto status = h.auth->Login(h.ctx().get(), login, &response);
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(status.error_message() == "Service unavailable");
}

TEST_CASE("the admin bootstrap waits for the account, then reports SERVING", "[auth][grpc]") {
  Harness h;
  auto health = grpc::health::v1::Health::NewStub(h.channel);
  auto serving = [&] {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    const auto status = health->Check(h.ctx().get(), request, &response);
    return status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  };
  CHECK_FALSE(serving());

  std::atomic<bool> done{false};
  std::jthread bootstrap([&](std::stop_token stop) {
    GrpcUserDirectory users(*h.users.stub, nullptr);
    done = run_admin_bootstrap(stop, h.domain, users, "admin", "admin-pw",
                               [&] { h.auth_server.set_serving(true); }, {10ms, 50ms});
  });
  std::this_thread::sleep_for(200ms);
  CHECK_FALSE(serving());
  CHECK(h.repo.hashes.empty());

  // The user service creates the admin account.
  NewAccount admin;
  admin.username = "admin";
  admin.role = Role::kAdmin;
  const Account account = h.users.service.directory.create_user(admin);
  for (int i = 0; i < 200 && !serving(); ++i) std::this_thread::sleep_for(10ms);
  CHECK(serving());
  bootstrap.join();
  CHECK(done);
  CHECK(h.repo.hashes.count(account.id) == 1);

  apb::LoginRequest login;
  login.set_username("admin");
  login.set_password("admin-pw");
  apb::LoginResponse response;
  REQUIRE(h.auth->Login(h.ctx().get(), login, &response).ok());
  fleet::token::Verifier verifier(h.key.public_key_pem, "fleetgate", h.clock);
  CHECK(verifier.verify(response.access_token()).claims->role == "admin");
}

TEST_CASE("the admin bootstrap stops when asked", "[auth][grpc]") {
  Harness h;
  h.users.server.reset();  // never answers
  std::atomic<bool> result{true};
  std::jthread bootstrap([&](std::stop_token stop) {
    GrpcUserDirectory users(*h.users.stub, nullptr, 200ms);
    result = run_admin_bootstrap(stop, h.domain, users, "admin", "pw", [] {}, {10ms, 50ms});
  });
  std::this_thread::sleep_for(100ms);
  bootstrap.request_stop();
  bootstrap.join();
  CHECK_FALSE(result);
}
