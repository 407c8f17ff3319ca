#include "fleet/rpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <signal.h>

#include <mutex>
#include <stdexcept>

#include "fleet/common/config.h"
#include "fleet/common/logging.h"
#include "fleet/rpc/server_metrics.h"

namespace fleet::rpc {
namespace {

constexpr std::chrono::seconds kShutdownGrace{5};

sigset_t shutdown_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

// grpc::Service does not expose its name; the built server does, to plugins. This option
// installs a plugin that copies the service names out once the server is built.
class ServiceNamesPlugin : public grpc::ServerBuilderPlugin {
 public:
  explicit ServiceNamesPlugin(std::vector<std::string>* out) : out_(out) {}
  std::string name() override { return "fleet_service_names"; }
  void InitServer(grpc::ServerInitializer*) override {}
  void Finish(grpc::ServerInitializer* initializer) override {
    *out_ = *initializer->GetServiceList();
  }
  void ChangeArguments(const std::string&, void*) override {}

 private:
  std::vector<std::string>* out_;
};

class ServiceNamesOption : public grpc::ServerBuilderOption {
 public:
  explicit ServiceNamesOption(std::vector<std::string>* out) : out_(out) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<ServiceNamesPlugin>(out_));
  }

 private:
  std::vector<std::string>* out_;
};

}  // namespace

int service_main(std::string_view name, const std::function<void()>& run) {
  log::init(name);
  try {
    run();
  } catch (const config::ConfigError& e) {
    log::error("config_invalid", {{"cause", e.what()}});
    return 1;
  } catch (const std::exception& e) {
    log::error("startup_failed", {{"cause", e.what()}});
    return 1;
  }
  log::info("stopped");
  return 0;
}

void block_shutdown_signals() {
  const sigset_t set = shutdown_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

struct Server::Impl {
  std::string name;
  std::string address;
  std::vector<grpc::Service*> services;
  std::vector<std::string> service_names;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  std::once_flag stopped;
  ServerMetrics metrics;
};

Server::Server(std::string name, std::string listen_address) : impl_(std::make_unique<Impl>()) {
  block_shutdown_signals();
  impl_->name = std::move(name);
  impl_->address = std::move(listen_address);
}

Server::~Server() { shutdown(); }

void Server::add_service(grpc::Service* service) { impl_->services.push_back(service); }

void Server::start() {
  grpc::EnableDefaultHealthCheckService(true);
  // Debian links with --as-needed: without this call the reflection library is dropped.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(impl_->address, grpc::InsecureServerCredentials(), &impl_->port);
  builder.SetOption(std::make_unique<ServiceNamesOption>(&impl_->service_names));
  for (auto* service : impl_->services) builder.RegisterService(service);
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(impl_->metrics.interceptor_factory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  impl_->server = builder.BuildAndStart();
  if (!impl_->server || impl_->port == 0) {
    throw std::runtime_error("gRPC server " + impl_->name + " cannot listen on " + impl_->address);
  }
  set_serving(false);  // the default health service starts out SERVING for ""
  log::info("grpc_listening", {{"server", impl_->name}, {"port", impl_->port}});
}

int Server::port() const { return impl_->port; }

ServerMetrics& Server::metrics() { return impl_->metrics; }

void Server::set_serving(bool serving) {
  if (!impl_->server) return;
  auto* health = impl_->server->GetHealthCheckService();
  health->SetServingStatus("", serving);
  for (const auto& service : impl_->service_names) health->SetServingStatus(service, serving);
  log::info("health_status", {{"server", impl_->name}, {"serving", serving ? "true" : "false"}});
}

void Server::set_status(const std::string& name, bool serving) {
  if (!impl_->server) return;
  impl_->server->GetHealthCheckService()->SetServingStatus(name, serving);
  log::info("health_status", {{"server", impl_->name}, {"name", name},
                              {"serving", serving ? "true" : "false"}});
}

void Server::run_until_signal(const std::function<void()>& before_shutdown) {
  const sigset_t set = shutdown_signals();
  int signal = 0;
  sigwait(&set, &signal);
  log::info("shutdown_signal", {{"server", impl_->name}, {"signal", signal}});
  if (before_shutdown) before_shutdown();
  shutdown();
}

void Server::shutdown() {
  if (!impl_->server) return;
  std::call_once(impl_->stopped, [this] {
    set_serving(false);  // load balancers stop sending while in-flight calls finish
    impl_->server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
    log::info("grpc_stopped", {{"server", impl_->name}});
  });
}

}  // namespace fleet::rpc
