#include "fleet/rpc/server_metrics.h"

#include <chrono>
#include <string_view>

namespace fleet::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

// Created when an RPC starts; counts it once, as its status is sent.
class MetricsInterceptor : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(ServerMetrics& metrics, std::string_view method)
      : metrics_(metrics), started_(std::chrono::steady_clock::now()) {
    // "/fleetgate.user.v1.UserService/GetUser" -> service and method.
    if (method.starts_with('/')) method.remove_prefix(1);
    const auto slash = method.find('/');
    service_ = method.substr(0, slash);
    method_ = slash == std::string_view::npos ? std::string_view{} : method.substr(slash + 1);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_.observe(service_, method_, static_cast<int>(methods->GetSendStatus().error_code()),
                       std::chrono::steady_clock::now() - started_);
    }
    methods->Proceed();
  }

 private:
  ServerMetrics& metrics_;
  std::chrono::steady_clock::time_point started_;
  std::string_view service_, method_;  // into the method name gRPC keeps for the call's life
};

class MetricsInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit MetricsInterceptorFactory(ServerMetrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info->method() ? info->method() : "");
  }

 private:
  ServerMetrics& metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
ServerMetrics::interceptor_factory() {
  return std::make_unique<MetricsInterceptorFactory>(*this);
}

}  // namespace fleet::rpc
