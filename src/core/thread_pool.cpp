// thread_pool.cpp: lazily started workers over a locked FIFO of jobs.
//
// A worker that finishes a job hands it back to its loop before taking the
// next one, so the loop completes jobs in the order they finished.
#include "agentio/core/detail/thread_pool.hpp"

#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/event_loop.hpp"

namespace agentio::detail {

ThreadPool::ThreadPool(EventLoop& loop, std::size_t max_threads) : loop_(loop), max_threads_(max_threads) {}

ThreadPool::~ThreadPool() { shutdown(); }

void ThreadPool::submit(ThreadJob& job) {
    std::unique_lock lock(mutex_);
    jobs_.push_back(&job);
    // Every queued job needs a worker of its own: idle workers that have not
    // woken yet are already spoken for by the jobs queued before this one.
    if (jobs_.size() > idle_ && workers_.size() < max_threads_) {
        try {
            workers_.emplace_back([this] { work(); });
            return;
        } catch (...) {
            if (idle_ == 0 && workers_.empty()) {
                jobs_.pop_back();  // nobody could ever run it
                throw;
            }
            // Otherwise a busy worker will get to it.
        }
    }
    lock.unlock();
    ready_.notify_one();
}

void ThreadPool::shutdown() noexcept {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    ready_.notify_all();
    for (auto& worker : workers_) worker.join();
    workers_.clear();
}

void ThreadPool::work() noexcept {
    std::unique_lock lock(mutex_);
    for (;;) {
        ++idle_;
        ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        --idle_;
        if (jobs_.empty()) return;  // stopping, and nothing left to do
        ThreadJob* job = jobs_.front();
        jobs_.pop_front();
        lock.unlock();
        job->execute();
        detail::LoopAccess::post_from_thread(loop_, *job);
        lock.lock();
    }
}

}  // namespace agentio::detail
