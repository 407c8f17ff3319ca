#pragma once
// The gRPC face of streetlight: decodes requests, calls the domain on the worker pool, encodes
// responses. ControlLight and UpdateLightStatus are exactly-once per idempotency key
// (libs/idempotency): the domain runs inside the store's transaction, so a replay writes no
// second log. Both publish "lights" on the change feed after their commit (not on a replay). No
// rules live here.
#include "domain/repository.h"
#include "domain/streetlights.h"
#include "fleet/changes/publisher.h"
#include "fleet/idempotency/store.h"
#include "fleet/idempotency/unary.h"
#include "fleet/rpc/server.h"
#include "streetlight/v1/streetlight.grpc.pb.h"

namespace fleet::streetlight {

namespace v1 = fleetgate::streetlight::v1;

class StreetlightService final : public v1::StreetlightService::CallbackService {
 public:
  // open_transaction: the repository's Transaction on the idempotency key's connection
  // (MariadbStreetlightRepository::transaction_on in main).
  StreetlightService(Streetlights& lights, idempotency::Store& idempotency,
                     idempotency::TransactionFactory<Transaction> open_transaction,
                     rpc::WorkerPool& workers, changes::Publisher& changes)
      : lights_(lights),
        idempotency_(idempotency),
        open_transaction_(std::move(open_transaction)),
        workers_(workers),
        changes_(changes) {}

  grpc::ServerUnaryReactor* ListLights(grpc::CallbackServerContext* context,
                                       const v1::ListLightsRequest* request,
                                       v1::ListLightsResponse* response) override;
  grpc::ServerUnaryReactor* GetLight(grpc::CallbackServerContext* context,
                                     const v1::GetLightRequest* request,
                                     v1::GetLightResponse* response) override;
  grpc::ServerUnaryReactor* GetCitySummary(grpc::CallbackServerContext* context,
                                           const v1::GetCitySummaryRequest* request,
                                           v1::GetCitySummaryResponse* response) override;
  grpc::ServerUnaryReactor* GetMap(grpc::CallbackServerContext* context,
                                   const v1::GetMapRequest* request,
                                   v1::GetMapResponse* response) override;
  grpc::ServerUnaryReactor* ControlLight(grpc::CallbackServerContext* context,
                                         const v1::ControlLightRequest* request,
                                         v1::ControlLightResponse* response) override;
  grpc::ServerUnaryReactor* UpdateLightStatus(grpc::CallbackServerContext* context,
                                              const v1::UpdateLightStatusRequest* request,
                                              v1::UpdateLightStatusResponse* response) override;

 private:
  Streetlights& lights_;
  idempotency::Store& idempotency_;
  idempotency::TransactionFactory<Transaction> open_transaction_;
  rpc::WorkerPool& workers_;
  changes::Publisher& changes_;
};

}  // namespace fleet::streetlight
