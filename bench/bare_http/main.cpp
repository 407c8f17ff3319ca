// fleetgate-bare-http: the ceiling for an HTTP endpoint. A minimal Beast HTTP/1.1 server that
// answers every request, on any path and method, with the same ~150-byte JSON array (the size of
// a short repair list page) and keeps the connection alive. One io_context run by `--threads`
// threads (default 1). No auth, no routing, no gRPC, no database, no logging: whatever an
// endpoint of the gateway costs beyond this is the gateway's and its services'.
// `--body-file PATH` answers that file's bytes instead (e.g. a page the gateway rendered, to
// compare at the same response size).
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "common/args.h"

namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// One order as GET /v1/orders renders it, trimmed: about 150 bytes.
constexpr std::string_view kBody =
    R"([{"id":1,"device_id":1,"customer_id":2,"cost":"250.00","discount":"0.00",)"
    R"("total_cost":"250.00","status":"Pending","created_at":"2025-01-10T10:00:00"}])";

net::awaitable<void> serve(tcp::socket socket, const std::string& body) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  for (;;) {
    http::request<http::string_body> request;
    co_await http::async_read(socket, buffer, request,
                              net::redirect_error(net::use_awaitable, ec));
    if (ec) break;
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::server, "bare");
    response.set(http::field::content_type, "application/json");
    response.keep_alive(request.keep_alive());
    response.body() = body;
    response.prepare_payload();
    co_await http::async_write(socket, response, net::redirect_error(net::use_awaitable, ec));
    if (ec || !response.keep_alive()) break;
  }
  socket.shutdown(tcp::socket::shutdown_send, ec);
}

net::awaitable<void> listen(tcp::acceptor& acceptor, const std::string& body) {
  for (;;) {
    auto socket = co_await acceptor.async_accept(net::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    net::co_spawn(acceptor.get_executor(), serve(std::move(socket), body), net::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  fleet::bench::Args args("fleetgate-bare-http",
                          "answers every HTTP request with the same ~150-byte JSON body");
  args.option("port", "8091", "TCP port on 127.0.0.1")
      .option("threads", "1", "io threads running the one io_context")
      .option("body-file", "", "answer this file's bytes instead of the built-in ~150-byte JSON");
  try {
    args.parse(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::cerr << e.what() << "\n" << args.usage();
    return 2;
  }
  if (args.help_requested()) {
    std::cout << args.usage();
    return 0;
  }
  std::string body(kBody);
  if (const auto file = args.str("body-file"); !file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << "cannot read " << file << "\n";
      return 2;
    }
    body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto threads = static_cast<int>(std::max(1LL, args.integer("threads")));
  net::io_context io(threads);
  tcp::acceptor acceptor(io, {net::ip::make_address("127.0.0.1"),
                              static_cast<unsigned short>(args.integer("port"))});
  net::co_spawn(io, listen(acceptor, body), net::detached);
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) { io.stop(); });
  std::cerr << "fleetgate-bare-http on 127.0.0.1:" << acceptor.local_endpoint().port() << ", "
            << threads << " thread(s), body " << body.size() << " bytes\n";
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}
