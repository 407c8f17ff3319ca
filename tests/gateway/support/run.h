#pragma once
// Runs a coroutine to completion on a fresh io_context and returns its result (or throws its
// exception).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace fleet::gateway::testing {

template <typename T>
T run_to_end(boost::asio::awaitable<T> task) {
  boost::asio::io_context ioc;
  auto future = boost::asio::co_spawn(ioc, std::move(task), boost::asio::use_future);
  ioc.run();
  return future.get();
}

}  // namespace fleet::gateway::testing
