// event_loop.cpp: the iteration, timers, cross-thread posting and shutdown.
#include "agentio/core/event_loop.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <thread>
#include <vector>

#include "agentio/core/detail/spawned_task.hpp"
#include "agentio/core/errors.hpp"

namespace agentio {

namespace {

bool env_flag(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) return false;
    const std::string_view v(value);
    return !v.empty() && v != "0" && v != "false" && v != "no";
}

// A std::function scheduled by call_soon / call_soon_threadsafe.
class Callback final : public detail::Runnable {
public:
    explicit Callback(std::function<void()> f) : f_(std::move(f)) {}
    void run() noexcept override {
        try {
            f_();
        } catch (...) {
            if (EventLoop* loop = EventLoop::current())
                loop->report({"Exception in callback", "", std::current_exception()});
        }
        delete this;
    }

private:
    std::function<void()> f_;
};

}  // namespace

LoopOptions LoopOptions::from_environment() {
    LoopOptions options;
    options.debug = env_flag("AGENTIO_DEBUG");
    options.virtual_clock = env_flag("AGENTIO_VIRTUAL_CLOCK");
    return options;
}

EventLoop::Running::Running(EventLoop& loop) : outer_(current_) {
    if (outer_ != nullptr && outer_ != &loop)
        throw InvalidStateError("cannot run an event loop while another loop is running in the same thread");
    current_ = &loop;
}

EventLoop::EventLoop(LoopOptions options) : options_(options), clock_(options.virtual_clock) {
    if (options_.max_threads == 0)
        options_.max_threads = std::min<std::size_t>(32, std::thread::hardware_concurrency() + 4);
}

EventLoop::~EventLoop() { shutdown_threads(); }

double EventLoop::time() const noexcept {
    return std::chrono::duration<double>(clock_.now().time_since_epoch()).count();
}

void EventLoop::call_soon(std::function<void()> f) { ready_.push(*new Callback(std::move(f))); }

void EventLoop::call_soon_threadsafe(std::function<void()> f) { post_from_thread(*new Callback(std::move(f))); }

void EventLoop::post_from_thread(detail::Runnable& item) noexcept {
    bool was_empty;
    {
        std::lock_guard lock(posted_mutex_);
        was_empty = posted_.empty();
        posted_.push(item);
        has_posted_.store(true, std::memory_order_release);
    }
    if (was_empty) reactor_.wake();
}

void EventLoop::take_posted() noexcept {
    std::lock_guard lock(posted_mutex_);
    ready_.splice(posted_);
    has_posted_.store(false, std::memory_order_relaxed);
}

void EventLoop::run_in_thread(detail::ThreadJob& job) {
    if (!pool_) pool_ = std::make_unique<detail::ThreadPool>(*this, options_.max_threads);
    pool_->submit(job);
    ++jobs_in_flight_;
}

void EventLoop::job_completed() noexcept { --jobs_in_flight_; }

void EventLoop::report(const ExceptionContext& context) noexcept {
    try {
        if (exception_handler_) exception_handler_(context);
        else report_to_stderr(context);
    } catch (...) {
        // A failing handler must not take the loop down.
    }
}

void EventLoop::report_to_stderr(const ExceptionContext& context) noexcept {
    try {
        std::string line = "agentio: " + context.message;
        if (!context.task_name.empty()) line += " (task '" + context.task_name + "')";
        if (context.error) line += ": " + describe(context.error);
        std::cerr << line << '\n';
    } catch (...) {
    }
}

void report_anywhere(const ExceptionContext& context) noexcept {
    if (EventLoop* loop = EventLoop::current()) loop->report(context);
    else EventLoop::report_to_stderr(context);
}

void EventLoop::register_task(detail::SpawnedTaskBase& task) noexcept {
    spawned_.push_back(task);
}

void EventLoop::unregister_task(detail::SpawnedTaskBase& task) noexcept {
    spawned_.remove(task);
}

void EventLoop::dump_tasks(std::ostream& out) const {
    static constexpr const char* kStates[] = {"created", "scheduled", "running", "waiting", "done"};
    out << spawned_.size() << " pending task(s)\n";
    for (auto* task = spawned_.front(); task != nullptr; task = spawned_.next(*task)) {
        out << "  " << task->name() << ": " << kStates[static_cast<int>(task->state())];
        if (task->waiter() != nullptr) out << ", " << task->waiter()->describe();
        if (task->cancelling() > 0) out << ", cancelling";
        out << '\n';
    }
}

void EventLoop::run_once() {
    const bool idle = ready_.empty();
    if (idle || ++iterations_since_poll_ >= kIoPollInterval) {
        iterations_since_poll_ = 0;
        poll_io(idle);
    }
    if (has_posted_.load(std::memory_order_acquire)) take_posted();
    if (!timers_.empty()) fire_timers();
    // Only what was ready when the iteration began: sleep(0) yields exactly once.
    for (std::size_t n = ready_.size(); n > 0; --n) ready_.pop()->run();
}

void EventLoop::poll_io(bool may_block) {
    int timeout_ms = 0;
    if (may_block && !has_posted_.load(std::memory_order_acquire)) {
        if (timers_.empty()) {
            if (clock_.is_virtual() && jobs_in_flight_ == 0 && reactor_.watched() == 0 && !spawned_.empty())
                throw InvalidStateError(
                    "deadlock: every task is waiting and nothing can wake them (no timers, I/O or threads); "
                    "pending tasks are listed by EventLoop::dump_tasks()");
            timeout_ms = -1;
        } else if (clock_.is_virtual()) {
            // Virtual time stands still while worker threads run: their work
            // takes no virtual time.
            if (jobs_in_flight_ > 0) {
                timeout_ms = -1;
            } else {
                // Bytes a loopback peer already sent are part of "now": take
                // them before jumping, or a timeout would fire ahead of a
                // reply that was on time.
                if (reactor_.watched() > 0 && reactor_.poll(0) > 0) return;
                clock_.advance_to(timers_.next_deadline());
            }
        } else {
            const auto wait = timers_.next_deadline() - clock_.now();
            // Round up: waking before the deadline would only spin.
            const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
            timeout_ms = static_cast<int>(std::clamp<long long>(ms, 0, 24 * 3600 * 1000));
        }
    }
    reactor_.poll(timeout_ms);
}

void EventLoop::fire_timers() noexcept {
    const TimePoint now = clock_.now();
    while (detail::TimerEntry* timer = timers_.pop_expired(now)) timer->on_timer();
}

void EventLoop::cancel_and_drain() {
    Running guard(*this);
    while (!spawned_.empty()) {
        // Each task is cancelled once by the shutdown, whatever it did with
        // earlier cancellations (it may have caught one and gone on waiting).
        std::vector<detail::SpawnedTaskBase*> live;
        for (auto* task = spawned_.front(); task != nullptr; task = spawned_.next(*task))
            if (!task->cancelled_by_shutdown()) live.push_back(task);
        for (auto* task : live) {
            task->mark_cancelled_by_shutdown();
            task->cancel();
        }
        run_once();
    }
}

void EventLoop::shutdown_threads() noexcept {
    if (!pool_) return;
    pool_->shutdown();
    pool_.reset();
    // Complete the jobs the workers handed back (their awaiters are gone or
    // will see the result).
    take_posted();
    EventLoop* const outer = current_;
    current_ = this;  // completions may report errors through current()
    while (!ready_.empty()) ready_.pop()->run();
    current_ = outer;
}

EventLoop& get_running_loop(const char* what) {
    EventLoop* loop = EventLoop::current();
    if (loop == nullptr)
        throw InvalidStateError(std::string(what) +
                                " needs a running event loop: call it from a task started by agentio::run()");
    return *loop;
}

double monotonic() { return get_running_loop("agentio::monotonic()").time(); }

}  // namespace agentio
