// thread_pool.hpp: the worker threads behind to_thread().
//
// Workers start lazily, up to a fixed count (asyncio's default executor size:
// min(32, cores + 4)). A job runs execute() on a worker, then is handed back to
// its loop (EventLoop::post_from_thread), where its run() completes it on the
// loop thread. shutdown() lets queued jobs finish and joins the workers.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "agentio/core/detail/runnable.hpp"

namespace agentio {
class EventLoop;
}

namespace agentio::detail {

class ThreadJob : public Runnable {
public:
    // Runs on a worker thread. Must not throw (capture errors into the job).
    virtual void execute() noexcept = 0;

protected:
    ~ThreadJob() = default;
};

class ThreadPool {
public:
    ThreadPool(EventLoop& loop, std::size_t max_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    void submit(ThreadJob& job);
    void shutdown() noexcept;

private:
    void work() noexcept;

    EventLoop& loop_;
    std::size_t max_threads_;
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<ThreadJob*> jobs_;
    std::vector<std::thread> workers_;
    std::size_t idle_ = 0;
    bool stopping_ = false;
};

}  // namespace agentio::detail
