#include "fleet/rpc/bounded_pool.h"

#include <algorithm>

#include "fleet/common/logging.h"
#include "fleet/rpc/unary.h"

namespace fleet::rpc {

BoundedPool::BoundedPool(unsigned threads, std::size_t max_queued, int nice)
    : capacity_(std::max(1u, threads) + max_queued),
      workers_(std::make_unique<WorkerPool>(std::max(1u, threads), nice)) {}

BoundedPool::~BoundedPool() { workers_.reset(); }

BoundedPool::Ticket BoundedPool::try_admit() {
  std::size_t current = in_flight_.load();
  do {
    if (current >= capacity_) return nullptr;
  } while (!in_flight_.compare_exchange_weak(current, current + 1));
  // Points at the pool (a null one would test false); its deleter gives the place back.
  return Ticket(static_cast<void*>(this),
                [](void* pool) { static_cast<BoundedPool*>(pool)->in_flight_.fetch_sub(1); });
}

grpc::ServerUnaryReactor* refuse_overloaded(grpc::CallbackServerContext* context) {
  // Debug only: under a flood this runs thousands of times a second, and the caller (the
  // gateway) already logs each refused request with its 429.
  log::ScopedRequestId scope(request_id(*context));
  log::debug("overloaded_refused", {});
  auto* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, kTooManyRequests));
  return reactor;
}

grpc::ServerUnaryReactor* run_bounded_unary(grpc::CallbackServerContext* context, BoundedPool& pool,
                                            std::function<void()> work) {
  BoundedPool::Ticket ticket = pool.try_admit();
  if (!ticket) return refuse_overloaded(context);
  auto task = [ticket = std::move(ticket), work = std::move(work)]() mutable {
    // The place is given back when this scope ends, before run_unary sends the reply, so a
    // client that calls again at once finds it free. A throw gives it back as well.
    const BoundedPool::Ticket held = std::move(ticket);
    work();
  };
  return run_unary(context, pool.workers(), std::move(task));
}

}  // namespace fleet::rpc
