#include "api/streetlight_service.h"

#include "api/convert.h"
#include "fleet/changes/feed.h"
#include "fleet/rpc/convert.h"
#include "fleet/rpc/unary.h"

namespace fleet::streetlight {

// The change feed's topic of every light write.
constexpr std::string_view kLightsTopic = "lights";

grpc::ServerUnaryReactor* StreetlightService::ListLights(grpc::CallbackServerContext* context,
                                                         const v1::ListLightsRequest* request,
                                                         v1::ListLightsResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    for (const auto& light : lights_.list_lights(request->city())) {
      to_proto(light, response->add_lights());
    }
  });
}

grpc::ServerUnaryReactor* StreetlightService::GetLight(grpc::CallbackServerContext* context,
                                                       const v1::GetLightRequest* request,
                                                       v1::GetLightResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    auto detail = lights_.get_light(request->light_id(), request->log_limit());
    to_proto(detail.light, response->mutable_light());
    for (const auto& log : detail.recent_logs) to_proto(log, response->add_recent_logs());
  });
}

grpc::ServerUnaryReactor* StreetlightService::GetCitySummary(
    grpc::CallbackServerContext* context, const v1::GetCitySummaryRequest* request,
    v1::GetCitySummaryResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    to_proto(lights_.city_summary(request->city()), response->mutable_summary());
  });
}

grpc::ServerUnaryReactor* StreetlightService::GetMap(grpc::CallbackServerContext* context,
                                                     const v1::GetMapRequest* request,
                                                     v1::GetMapResponse* response) {
  return rpc::run_unary(context, workers_, [this, request, response] {
    for (const auto& light : lights_.list_lights(request->city())) {
      to_map_point(light, response->add_points());
    }
  });
}

grpc::ServerUnaryReactor* StreetlightService::ControlLight(grpc::CallbackServerContext* context,
                                                           const v1::ControlLightRequest* request,
                                                           v1::ControlLightResponse* response) {
  return idempotency::run_unary(
      context, workers_, idempotency_, response, open_transaction_,
      [this, request, response](Transaction& tx) {
        to_proto(lights_.control(tx, {request->light_id(), request->action(),
                                      request->performed_by()}),
                 response->mutable_light());
      },
      [this, context] { changes::publish_committed(*context, changes_, kLightsTopic); });
}

grpc::ServerUnaryReactor* StreetlightService::UpdateLightStatus(
    grpc::CallbackServerContext* context, const v1::UpdateLightStatusRequest* request,
    v1::UpdateLightStatusResponse* response) {
  return idempotency::run_unary(
      context, workers_, idempotency_, response, open_transaction_,
      [this, request, response](Transaction& tx) {
        to_proto(lights_.report_status(
                     tx, {request->light_id(), request->status(),
                          rpc::optional_field(request->has_error_details(),
                                              request->error_details()),
                          request->performed_by()}),
                 response->mutable_light());
      },
      [this, context] { changes::publish_committed(*context, changes_, kLightsTopic); });
}

}  // namespace fleet::streetlight
