#include <sys/resource.h>
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "fleet/common/logging.h"
#include "fleet/rpc/server.h"

namespace fleet::rpc {

struct WorkerPool::Impl {
  mutable std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::function<void()>> tasks;
  bool stopping = false;
  std::vector<std::thread> threads;

  void run() {
    block_shutdown_signals();  // even if the pool was made before the Server
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [&] { return stopping || !tasks.empty(); });
        if (tasks.empty()) return;  // stopping, and drained
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      try {
        task();
      } catch (const std::exception& e) {
        log::error("worker_task_failed", {{"cause", e.what()}});
      } catch (...) {
        log::error("worker_task_failed", {{"cause", "unknown exception"}});
      }
    }
  }
};

WorkerPool::WorkerPool(unsigned threads, int nice) : impl_(std::make_unique<Impl>()) {
  for (unsigned i = 0; i < std::max(1u, threads); ++i) {
    impl_->threads.emplace_back([impl = impl_.get(), nice] {
      if (nice > 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice) != 0) {
        log::warn("worker_priority_unchanged", {{"nice", nice}});
      }
      impl->run();
    });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->ready.notify_all();
  for (auto& thread : impl_->threads) thread.join();
}

void WorkerPool::post(std::function<void()> task) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->tasks.push_back(std::move(task));
  }
  impl_->ready.notify_one();
}

std::size_t WorkerPool::queued() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->tasks.size();
}

}  // namespace fleet::rpc
