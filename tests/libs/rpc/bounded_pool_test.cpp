// The bounded pool: admission up to threads + max_queued, refusal beyond, places given back
// when the admitted work is done.
#include "fleet/rpc/bounded_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

using fleet::rpc::BoundedPool;
using namespace std::chrono_literals;

namespace {

// Tasks wait on it until open() is called.
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [&] { return open_; });
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// Polls `done` for up to five seconds.
template <class Done>
bool eventually(Done&& done) {
  for (int i = 0; i < 500 && !done(); ++i) std::this_thread::sleep_for(10ms);
  return done();
}

}  // namespace

TEST_CASE("a bounded pool admits threads + max_queued tasks and refuses the next at once",
          "[rpc][bounded_pool]") {
  BoundedPool pool(/*threads=*/1, /*max_queued=*/1);
  CHECK(pool.capacity() == 2);
  Gate gate;
  std::promise<void> first_ran, second_ran;

  auto first = pool.try_admit();
  REQUIRE(first);
  pool.workers().post([&, ticket = first] {
    first_ran.set_value();
    gate.wait();
  });
  first.reset();  // the task holds its own copy
  first_ran.get_future().wait();

  auto second = pool.try_admit();  // waits behind the first
  REQUIRE(second);
  pool.workers().post([&, ticket = second] { second_ran.set_value(); });
  second.reset();
  CHECK(pool.in_flight() == 2);

  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(pool.try_admit());
  CHECK(std::chrono::steady_clock::now() - started < 100ms);  // a refusal never waits

  gate.open();
  CHECK(second_ran.get_future().wait_for(5s) == std::future_status::ready);
  CHECK(eventually([&] { return pool.in_flight() == 0; }));
  CHECK(pool.try_admit());
}

TEST_CASE("a ticket that is never used gives its place back when dropped", "[rpc][bounded_pool]") {
  BoundedPool pool(/*threads=*/1, /*max_queued=*/0);
  {
    auto ticket = pool.try_admit();
    REQUIRE(ticket);
    CHECK_FALSE(pool.try_admit());
  }
  CHECK(pool.in_flight() == 0);
  CHECK(pool.try_admit());
}

TEST_CASE("a bounded pool's threads are its own: other pools run while it is full",
          "[rpc][bounded_pool]") {
  BoundedPool hashing(/*threads=*/1, /*max_queued=*/0);
  fleet::rpc::WorkerPool workers(1);
  Gate gate;
  std::promise<void> busy, other_ran;
  auto ticket = hashing.try_admit();
  REQUIRE(ticket);
  hashing.workers().post([&, ticket] {
    busy.set_value();
    gate.wait();
  });
  ticket.reset();
  busy.get_future().wait();
  workers.post([&] { other_ran.set_value(); });
  CHECK(other_ran.get_future().wait_for(5s) == std::future_status::ready);
  gate.open();
}

TEST_CASE("a pool's threads run at the nice value it was given, the caller's is unchanged",
          "[rpc][bounded_pool]") {
  const int own = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
  BoundedPool pool(1, 0, 10);
  auto ticket = pool.try_admit();
  REQUIRE(ticket);
  std::promise<int> seen;
  pool.workers().post([&seen, ticket = std::move(ticket)] {
    seen.set_value(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())));
  });
  CHECK(seen.get_future().get() == std::min(own + 10, 19));
  CHECK(getpriority(PRIO_PROCESS, static_cast<id_t>(gettid())) == own);
}
