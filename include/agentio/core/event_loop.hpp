// event_loop.hpp: EventLoop, one per thread, as in asyncio.
//
// The loop is a small coordinator over four parts, each in its own file under
// detail/: the ready queue (runnable.hpp), the timers (timer_queue.hpp), fd
// readiness (reactor.hpp) and the worker threads (thread_pool.hpp). The
// runtime's awaitables reach them through detail::LoopAccess. Users rarely
// touch the loop: agentio::run() creates one, runs a task to completion and
// tears it down.
//
// One iteration, as asyncio's _run_once:
//   1. wait for I/O: block until the next timer if nothing is ready; otherwise
//      only peek, and only every kIoPollInterval iterations (a syscall per
//      iteration would dominate a ping-pong between two tasks);
//   2. move callbacks posted from other threads into the ready queue;
//   3. fire expired timers (virtual clock: jump to the next one if idle);
//   4. run the items that were ready when the iteration began; whatever they
//      schedule runs in the next iteration, so sleep(0) yields exactly once.
//
// Exceptions nobody retrieved go to the exception handler (stderr by default),
// never lost. Debug mode (AGENTIO_DEBUG=1) names every task, warns about any step
// that blocks the loop for longer than 100 ms, and dumps pending tasks at exit.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>

#include "agentio/core/clock.hpp"
#include "agentio/core/detail/intrusive_list.hpp"
#include "agentio/core/detail/reactor.hpp"
#include "agentio/core/detail/runnable.hpp"
#include "agentio/core/detail/thread_pool.hpp"
#include "agentio/core/detail/timer_queue.hpp"

namespace agentio {

namespace detail {
class SpawnedTaskBase;
struct LoopAccess;
}

struct LoopOptions {
    // Time jumps to the next timer whenever nothing is runnable.
    bool virtual_clock = false;
    // Task names, slow-step warnings, a dump of pending tasks at exit.
    bool debug = false;
    // A task step longer than this is reported in debug mode.
    Duration slow_step = std::chrono::milliseconds(100);
    // Worker threads for to_thread(); 0 means min(32, cores + 4).
    std::size_t max_threads = 0;

    // Defaults, overridden by AGENTIO_DEBUG=1 and AGENTIO_VIRTUAL_CLOCK=1.
    static LoopOptions from_environment();
};

// What the exception handler is told.
struct ExceptionContext {
    std::string message;       // what happened, e.g. "Task exception was never retrieved"
    std::string task_name;     // empty if not about a task
    std::exception_ptr error;  // may be null
};
using ExceptionHandler = std::function<void(const ExceptionContext&)>;

class EventLoop {
public:
    explicit EventLoop(LoopOptions options = LoopOptions::from_environment());
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // The loop running on this thread, or null.
    static EventLoop* current() noexcept { return current_; }

    const LoopOptions& options() const noexcept { return options_; }
    bool debug() const noexcept { return options_.debug; }
    // The loop's clock (virtual or steady).
    TimePoint now() const noexcept { return clock_.now(); }
    // now() in seconds, like asyncio's loop.time().
    double time() const noexcept;

    // Runs `f` on the loop thread in the next iteration.
    void call_soon(std::function<void()> f);
    // Thread-safe call_soon: wakes the loop from any thread.
    void call_soon_threadsafe(std::function<void()> f);

    void set_exception_handler(ExceptionHandler handler) { exception_handler_ = std::move(handler); }
    void report(const ExceptionContext& context) noexcept;
    // The default handler: one line on stderr.
    static void report_to_stderr(const ExceptionContext& context) noexcept;

    // Spawned tasks that have not finished.
    std::size_t pending_tasks() const noexcept { return spawned_.size(); }
    // Writes one line per pending task: name, state, what it waits on.
    void dump_tasks(std::ostream& out) const;

    // Runs iterations until `finished()` returns true. Used by run().
    template <class Predicate>
    void run_until(Predicate finished) {
        Running guard(*this);
        while (!finished()) run_once();
    }
    // Cancels every pending spawned task and runs until they have all finished.
    void cancel_and_drain();
    // Lets queued to_thread jobs finish, joins the workers, completes the jobs.
    void shutdown_threads() noexcept;

private:
    // The runtime's own awaitables reach the hooks below through LoopAccess
    // (detail/loop_access.hpp); applications use call_soon and those awaitables.
    friend struct detail::LoopAccess;

    void run_in_thread(detail::ThreadJob& job);
    void job_completed() noexcept;  // a to_thread job's completion ran on the loop
    void post_from_thread(detail::Runnable& item) noexcept;  // any thread
    void register_task(detail::SpawnedTaskBase& task) noexcept;
    void unregister_task(detail::SpawnedTaskBase& task) noexcept;

    // Marks the loop as this thread's running loop for a scope.
    class Running {
    public:
        explicit Running(EventLoop& loop);
        ~Running() { current_ = outer_; }
        Running(const Running&) = delete;
        Running& operator=(const Running&) = delete;

    private:
        EventLoop* outer_;
    };
    static constexpr unsigned kIoPollInterval = 61;

    void run_once();
    void poll_io(bool may_block);
    void take_posted() noexcept;
    void fire_timers() noexcept;

    LoopOptions options_;
    Clock clock_;
    detail::ReadyQueue ready_;
    detail::TimerQueue timers_;
    detail::Reactor reactor_;
    std::unique_ptr<detail::ThreadPool> pool_;
    std::size_t jobs_in_flight_ = 0;
    unsigned iterations_since_poll_ = 0;

    std::mutex posted_mutex_;
    detail::ReadyQueue posted_;
    std::atomic<bool> has_posted_{false};

    detail::IntrusiveList<detail::SpawnedTaskBase> spawned_;  // pending spawned tasks, oldest first
    ExceptionHandler exception_handler_;

    static inline thread_local EventLoop* current_ = nullptr;
};

// The running loop; throws InvalidStateError if there is none.
EventLoop& get_running_loop(const char* what = "get_running_loop()");

// Reports to the running loop's handler, or to stderr when no loop runs (a
// handle released after run() returned).
void report_anywhere(const ExceptionContext& context) noexcept;

// The running loop's clock in seconds (virtual under the virtual clock), the
// twin of Python's time.monotonic() in examples.
double monotonic();

// Thread-safe: schedules `f` on `loop` and wakes it.
inline void call_soon_threadsafe(EventLoop& loop, std::function<void()> f) {
    loop.call_soon_threadsafe(std::move(f));
}

}  // namespace agentio
