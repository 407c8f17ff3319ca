#pragma once
// An in-memory user + auth service answering the gateway's upstream calls, signing real tokens,
// so handler and server tests run without any process or database.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "fleet/common/clock.h"
#include "fleet/token/jwt.h"
#include "upstream/upstream.h"

namespace fleet::gateway::testing {

namespace userpb = upstream::userpb;
namespace authpb = upstream::authpb;
namespace healthpb = upstream::healthpb;
namespace dspb = upstream::dspb;
using upstream::Reply;

// One WatchDevice stream of the fake: the test pushes events and ends it; cancel() ends it with
// CANCELLED as gRPC would.
class FakeWatch final : public upstream::Watch {
 public:
  FakeWatch(std::int64_t device_id, upstream::WatchCallbacks callbacks)
      : device_id(device_id), callbacks_(std::move(callbacks)) {}
  void cancel() override;
  void push(dspb::DeviceEvent::Kind kind, const dspb::Device& device);
  void finish(const grpc::Status& status);
  bool done() const;
  bool cancelled() const;

  const std::int64_t device_id;

 private:
  mutable std::mutex mutex_;
  upstream::WatchCallbacks callbacks_;
  bool done_ = false;
  bool cancelled_ = false;
};

class FakeBackend final : public upstream::Interceptor, public upstream::Watcher {
 public:
  explicit FakeBackend(const Clock& clock);

  // Creates an account with a password directly (no call recorded).
  userpb::Account add(userpb::Role role, std::string username, std::string password,
                      std::string email = {}, std::string phone = {});
  std::string token_for(const userpb::Account& account) const;
  const std::string& public_key_pem() const { return public_pem_; }

  std::vector<std::string> calls;  // RPC names, in order
  grpc::Status forced;             // when not OK, every call fails with it
  std::map<std::int64_t, userpb::Account> accounts;
  std::map<std::int64_t, std::string> passwords;
  std::map<std::string, std::int64_t> refresh_tokens;
  bool serving = true;
  bool device_session_serving = true;

  // device-session, in memory, with the service's rules and exact cents.
  void add_device(std::int64_t id, std::string name, std::string type, std::string hourly_cost);
  std::map<std::int64_t, dspb::Device> devices;
  std::map<std::int64_t, std::string> wallets;  // cash as decimal text; absent means "0.00"
  std::vector<dspb::SetCashRequest> cash_changes;
  std::vector<upstream::Idempotency> idempotency_sent;  // per StartDevice/StopDevice/Register call
  bool next_in_flight = false;  // the next keyed call finds its key in flight
  // Stored responses by (caller, key): fingerprint and serialized response.
  std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>> stored;
  // WatchDevice: every stream opened; with snapshot_on_watch, each begins as the service's
  // does (the snapshot, or NOT_FOUND for an unknown device) and hears starts and stops.
  bool snapshot_on_watch = false;
  std::vector<std::shared_ptr<FakeWatch>> watches() const;
  std::size_t open_watches() const;

  Reply<userpb::GetUserResponse> GetUser(const userpb::GetUserRequest& request,
                                        const std::string& request_id);
  Reply<userpb::ListUsersResponse> ListUsers(const userpb::ListUsersRequest& request,
                                            const std::string& request_id);
  Reply<userpb::UpdateUserResponse> UpdateUser(const userpb::UpdateUserRequest& request,
                                              const std::string& request_id);
  Reply<userpb::DeleteUserResponse> DeleteUser(const userpb::DeleteUserRequest& request,
                                              const std::string& request_id);
  Reply<authpb::RegisterResponse> Register(const authpb::RegisterRequest& request,
                                          const upstream::Idempotency& idempotency,
                                          const std::string& request_id);
  Reply<authpb::LoginResponse> Login(const authpb::LoginRequest& request,
                                    const std::string& request_id);
  Reply<authpb::RefreshResponse> Refresh(const authpb::RefreshRequest& request,
                                        const std::string& request_id);
  Reply<authpb::LogoutResponse> Logout(const authpb::LogoutRequest& request,
                                      const std::string& request_id);
  Reply<authpb::SetPasswordResponse> SetPassword(const authpb::SetPasswordRequest& request,
                                                const std::string& request_id);
  Reply<authpb::DeleteCredentialsResponse> DeleteCredentials(
      const authpb::DeleteCredentialsRequest& request, const std::string& request_id);
  Reply<authpb::GetPublicKeyResponse> GetPublicKey(const authpb::GetPublicKeyRequest& request,
                                                  const std::string& request_id);
  Reply<healthpb::HealthCheckResponse> Check(std::string_view service);

  Reply<dspb::ListDevicesResponse> ListDevices(const dspb::ListDevicesRequest& request,
                                              const std::string& request_id);
  Reply<dspb::GetDeviceResponse> GetDevice(const dspb::GetDeviceRequest& request,
                                          const std::string& request_id);
  Reply<dspb::StartDeviceResponse> StartDevice(const dspb::StartDeviceRequest& request,
                                              const upstream::Idempotency& idempotency,
                                              const std::string& request_id);
  Reply<dspb::StopDeviceResponse> StopDevice(const dspb::StopDeviceRequest& request,
                                            const upstream::Idempotency& idempotency,
                                            const std::string& request_id);
  Reply<dspb::GetWalletsResponse> GetWallets(const dspb::GetWalletsRequest& request,
                                            const std::string& request_id);
  Reply<dspb::SetCashResponse> SetCash(const dspb::SetCashRequest& request,
                                      const std::string& request_id);
  std::shared_ptr<upstream::Watch> watch_device(std::int64_t device_id,
                                                upstream::WatchCallbacks callbacks) override;

  // upstream::Interceptor: each request to the method above of its type.
  upstream::RawReply answer(const google::protobuf::Message& request,
                            const upstream::Metadata& metadata) override;

 private:
  // The device as of now (time_left from the clock), expiring a session past its end.
  dspb::Device current(std::int64_t id);
  void publish(dspb::DeviceEvent::Kind kind, const dspb::Device& device);

  const Clock& clock_;
  mutable std::mutex watch_mutex_;
  std::vector<std::shared_ptr<FakeWatch>> watches_;
  std::string private_pem_;
  std::string public_pem_;
  token::Signer signer_;
  std::int64_t next_id_ = 1;
  int next_refresh_ = 1;
};

}  // namespace fleet::gateway::testing
