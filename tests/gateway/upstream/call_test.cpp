// The gRPC completion hand-off of unary_call: a callback on another thread resumes the
// coroutine on its own executor, with the deadline and the in-flight count.
#include "upstream/call.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <thread>

#include "user/v1/user.pb.h"

using namespace fleet::gateway;
namespace userpb = ::fleetgate::user::v1;

TEST_CASE("unary_call: a completion on another thread resumes the coroutine on its executor") {
  boost::asio::io_context ioc;
  auto strand = boost::asio::make_strand(ioc);
  upstream::InFlight in_flight;
  std::thread::id resumed_on;
  std::chrono::system_clock::time_point deadline;
  std::thread worker;

  auto start = [&](grpc::ClientContext* context, const userpb::GetUserRequest* request,
                   userpb::GetUserResponse* response,
                   std::function<void(grpc::Status)> done) {
    deadline = context->deadline();
    auto id = request->id();
    worker = std::thread([response, id, done = std::move(done)] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      response->mutable_account()->set_id(id);
      done(grpc::Status::OK);  // as gRPC does: on a thread of its own
    });
  };
  userpb::GetUserRequest request;
  request.set_id(42);
  auto before = std::chrono::system_clock::now();
  auto future = boost::asio::co_spawn(
      strand,
      [&]() -> boost::asio::awaitable<upstream::Reply<userpb::GetUserResponse>> {
        auto call = upstream::unary_call<userpb::GetUserResponse>(
            start, request, upstream::CallOptions{std::chrono::milliseconds(1500), "rid-1", {}},
            &in_flight);
        auto reply = co_await std::move(call);
        resumed_on = std::this_thread::get_id();
        co_return reply;
      },
      boost::asio::use_future);
  ioc.run();  // returns only once the call has completed: the pending call keeps it busy
  auto reply = future.get();
  worker.join();
  CHECK(reply.ok());
  CHECK(reply.message.account().id() == 42);
  CHECK(resumed_on == std::this_thread::get_id());
  CHECK(deadline >= before + std::chrono::milliseconds(1400));
  CHECK(deadline <= std::chrono::system_clock::now() + std::chrono::milliseconds(1500));
  CHECK(in_flight.wait_idle(std::chrono::milliseconds(100)));
}
