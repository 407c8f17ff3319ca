#pragma once
// A worker pool for expensive work (argon2id hashing) that refuses rather than queues without
// bound: at most threads + max_queued tasks are in it, running or waiting. A caller beyond that
// is refused at once (RESOURCE_EXHAUSTED "Too many requests"), so under a flood the latency of
// an admitted call stays bounded by max_queued / threads runs, and the refused get a quick
// answer they can retry. Its threads are its own: work on other pools never waits behind it.
//
//   BoundedPool hashing(threads, max_queued);
//   return rpc::run_bounded_unary(context, hashing, [=] { ... });
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>

#include "fleet/rpc/server.h"

namespace fleet::rpc {

class BoundedPool {
 public:
  // nice: as WorkerPool's.
  BoundedPool(unsigned threads, std::size_t max_queued, int nice = 0);
  ~BoundedPool();  // drains admitted work, then joins

  // Proof of a place in the pool, released when the last copy is destroyed. The task that was
  // admitted keeps one until it has run (capture it in the task).
  using Ticket = std::shared_ptr<void>;
  // A ticket, or null when the pool is full.
  Ticket try_admit();

  // The pool's threads; post only work that holds a ticket.
  WorkerPool& workers() { return *workers_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t in_flight() const { return in_flight_.load(); }

 private:
  const std::size_t capacity_;
  std::atomic<std::size_t> in_flight_{0};
  std::unique_ptr<WorkerPool> workers_;  // declared last: drained before the counter goes
};

// The text of the refusal, on the wire and (mapped to 429) in the gateway's bodies.
inline constexpr const char* kTooManyRequests = "Too many requests";

// Finishes the call at once with RESOURCE_EXHAUSTED "Too many requests".
grpc::ServerUnaryReactor* refuse_overloaded(grpc::CallbackServerContext* context);

// run_unary on `pool` if it admits the call, else refuse_overloaded.
grpc::ServerUnaryReactor* run_bounded_unary(grpc::CallbackServerContext* context, BoundedPool& pool,
                                            std::function<void()> work);

}  // namespace fleet::rpc
