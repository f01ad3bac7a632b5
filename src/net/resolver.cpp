// resolver.cpp: c-ares driven by the loop's reactor, shared queries, the TTL cache.
//
// Why no callback touches freed memory:
// - c-ares calls back (socket state, query done) only from inside our calls
//   into it: ares_getaddrinfo, ares_process_fd and ares_destroy, all made by
//   Core methods on the loop thread. So the Core is alive whenever a callback
//   runs, and ares_destroy runs the callback of every pending query
//   (ARES_EDESTRUCTION) before it returns: none can come after the channel.
// - A query's callback argument is its Query, kept alive by the in-flight
//   table until that callback (c-ares calls it exactly once) takes it out.
// - Waiting tasks are linked from the Query (a WaitList). A cancelled waiter
//   unlinks itself before it resumes, and one whose frame dies unlinks in its
//   destructor, so a completion wakes only tasks that still wait. A waiter
//   holds its Query and reads the answer from it, never from the Resolver,
//   which may be gone by then.
// - The reactor dispatches a batch of epoll events after epoll_wait returned;
//   c-ares, called for one socket, may close another whose event comes later
//   in the batch. So a socket watch is never freed while the Core lives: a
//   closed socket's watch is marked retired (its stale event is ignored) and
//   becomes reusable only when the next query starts, in a task step, never
//   inside a dispatch. The Core itself is released only from task steps.
// - Loop shutdown: the driver task (parked until cancelled) owns a reference
//   to the Core; when the drain cancels it, its frame's destruction detaches
//   the Core from the loop while the loop is still alive.
#include "agentio/net/resolver.hpp"

#include <ares.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>
#include <utility>

#include "agentio/core/create_task.hpp"
#include "agentio/core/detail/loop_access.hpp"
#include "agentio/core/detail/task_node.hpp"
#include "agentio/core/detail/wait_list.hpp"
#include "agentio/core/event_loop.hpp"

namespace agentio::net {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// RFC 6761 section 6.3: "localhost." and every name under it are loopback.
bool is_localhost(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return name == "localhost" || (name.size() > 10 && name.ends_with(".localhost"));
}

const char* family_name(Family family) {
    switch (family) {
        case Family::V4: return "IPv4";
        case Family::V6: return "IPv6";
        default: return "any";
    }
}

int to_af(Family family) {
    switch (family) {
        case Family::V4: return AF_INET;
        case Family::V6: return AF_INET6;
        default: return AF_UNSPEC;
    }
}

std::vector<SocketAddress> with_port(std::vector<SocketAddress> addresses, std::uint16_t port) {
    for (auto& address : addresses) address.set_port(port);
    return addresses;
}

std::vector<SocketAddress> loopback(std::uint16_t port, Family family) {
    std::vector<SocketAddress> out;
    if (family != Family::V4) out.push_back(*SocketAddress::parse("::1", port));
    if (family != Family::V6) out.push_back(*SocketAddress::parse("127.0.0.1", port));
    return out;
}

// RFC 8305 section 4: alternate families, starting with the preferred one
// (the first in c-ares's RFC 6724 order), keeping the order within each.
std::vector<SocketAddress> interleave(const std::vector<SocketAddress>& sorted) {
    if (sorted.empty()) return {};
    std::vector<SocketAddress> lead, other;
    for (const auto& address : sorted) (address.family() == sorted.front().family() ? lead : other).push_back(address);
    std::vector<SocketAddress> out;
    out.reserve(sorted.size());
    for (std::size_t i = 0; i < std::max(lead.size(), other.size()); ++i) {
        if (i < lead.size()) out.push_back(lead[i]);
        if (i < other.size()) out.push_back(other[i]);
    }
    return out;
}

DnsError dns_error(const std::string& host, const char* reason) {
    std::string message = "resolve ";
    message.append(host).append(": ").append(reason);
    return DnsError(message);
}

void init_library_once() {
    static const int status = ares_library_init(ARES_LIB_INIT_ALL);
    if (status != ARES_SUCCESS) throw DnsError(std::string("resolver: c-ares initialisation failed: ") + ares_strerror(status));
}

// One ares_getaddrinfo call, shared by every task that waits for its name.
struct Query {
    Query(Resolver::Core& owner, std::string cache_key, std::string name)
        : core(&owner), key(std::move(cache_key)), host(std::move(name)) {}
    Resolver::Core* core;  // alive until the callback has run (see the top)
    std::string key;
    std::string host;
    agentio::detail::WaitList waiters;
    bool done = false;
    int status = ARES_SUCCESS;
    std::vector<SocketAddress> addresses;  // port 0
};

class [[nodiscard]] QueryWait final : agentio::detail::ListWaiter {
public:
    explicit QueryWait(std::shared_ptr<Query> query) noexcept : query_(std::move(query)) {}
    QueryWait(const QueryWait&) = delete;
    ~QueryWait() { query_->waiters.remove(*this); }  // no-op unless the frame died mid-wait

    bool await_ready() const noexcept { return query_->done; }
    bool await_suspend(std::coroutine_handle<> frame) { return park(query_->waiters, frame, "resolve()"); }
    void await_resume() const { check_cancelled("resolve()"); }

private:
    std::string describe() const override { return std::string("resolve ").append(query_->host); }
    std::shared_ptr<Query> query_;
};

// What the driver task waits on: nothing but its own cancellation.
class Park final : agentio::detail::Waiter {
public:
    bool await_ready() const noexcept { return false; }
    bool await_suspend(std::coroutine_handle<> frame) {
        node_ = &agentio::detail::running_node("the resolver's driver");
        if (node_->take_pending_cancel()) return false;
        node_->wait_on(*this, frame);
        return true;
    }
    void await_resume() const noexcept {}

private:
    void cancel() noexcept override { node_->wake(); }
    std::string describe() const override { return "DNS resolver: attached to this loop until it shuts down"; }
    agentio::detail::TaskNode* node_ = nullptr;
};

}  // namespace

class Resolver::Core final : public std::enable_shared_from_this<Core> {
public:
    explicit Core(ResolverOptions options) : options_(std::move(options)) {}
    ~Core() { detach(); }
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;

    // Attaches to the running loop (once); InvalidStateError on another loop.
    void attach();
    // Fails pending queries, closes c-ares's sockets, forgets the loop.
    void detach() noexcept;
    // The owning Resolver is gone: detach, and never attach again.
    void close() noexcept {
        closed_ = true;
        detach();
    }
    // Called by the driver task's frame as it dies (see DetachOnExit).
    void driver_exited(std::uint64_t attachment) noexcept {
        if (attachment != attachment_) return;  // a driver of an earlier attachment
        driver_ = nullptr;
        detach();
    }

    // A cached answer that has not expired, or null.
    const std::vector<SocketAddress>* cached(const std::string& key);
    // The query in flight for `key`, or a new one.
    std::shared_ptr<Query> query(const std::string& key, const std::string& host, Family family);

    std::size_t cache_size() const noexcept { return cache_.size(); }
    void clear_cache() noexcept { cache_.clear(); }
    std::size_t in_flight() const noexcept { return in_flight_.size(); }

private:
    struct SocketWatch final : agentio::detail::IoWatch {
        enum class State : std::uint8_t { Live, Retired, Free };
        void on_io(std::uint32_t events) noexcept override {
            if (state != State::Live) return;  // closed earlier in this dispatch
            const int read_fd = (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD;
            const int write_fd = (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD;
            core->process(read_fd, write_fd);  // may retire this watch
        }
        Core* core = nullptr;
        int fd = -1;
        State state = State::Free;
    };
    struct TimerWatch final : agentio::detail::IoWatch {
        void on_io(std::uint32_t) noexcept override {
            std::uint64_t expirations;
            [[maybe_unused]] auto ignored = ::read(core->timer_fd_, &expirations, sizeof expirations);
            core->process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // c-ares handles its timeouts
        }
        Core* core = nullptr;
    };
    struct Entry {
        std::vector<SocketAddress> addresses;  // port 0
        TimePoint expiry;
    };

    static void on_socket_state(void* data, ares_socket_t fd, int readable, int writable) noexcept {
        static_cast<Core*>(data)->watch_socket(fd, readable != 0, writable != 0);
    }
    static void on_addrinfo(void* arg, int status, int, ares_addrinfo* result) noexcept {
        auto* query = static_cast<Query*>(arg);
        query->core->finish(*query, status, result);
    }
    void watch_socket(int fd, bool readable, bool writable) noexcept;
    void process(int read_fd, int write_fd) noexcept {
        if (channel_ == nullptr) return;
        ares_process_fd(channel_, read_fd, write_fd);
        rearm_timer();
    }
    void rearm_timer() noexcept;
    void finish(Query& query, int status, ares_addrinfo* result) noexcept;
    void remember(const Query& query, int ttl_seconds);

    ResolverOptions options_;
    EventLoop* loop_ = nullptr;
    // False while detaching on a thread where loop_ is not running (its
    // reactor may be gone): then nothing touches the loop.
    bool loop_usable_ = false;
    bool closed_ = false;
    ares_channel channel_ = nullptr;
    agentio::detail::TaskNode* driver_ = nullptr;  // alive while non-null (cleared as it dies)
    std::uint64_t attachment_ = 0;
    int timer_fd_ = -1;
    bool timer_watched_ = false;
    TimerWatch timer_watch_;
    std::vector<std::unique_ptr<SocketWatch>> watches_;  // freed only with the Core (see the top)
    std::unordered_map<std::string, std::shared_ptr<Query>> in_flight_;
    std::unordered_map<std::string, Entry> cache_;
    std::size_t sweep_at_ = 256;
};

namespace {

// A parameter of the driver coroutine: destroyed with the driver's frame,
// whether or not its body ever ran (a task cancelled before its first step).
class DetachOnExit {
public:
    DetachOnExit(std::shared_ptr<Resolver::Core> core, std::uint64_t attachment) noexcept
        : core_(std::move(core)), attachment_(attachment) {}
    DetachOnExit(DetachOnExit&& other) noexcept : core_(std::move(other.core_)), attachment_(other.attachment_) {}
    DetachOnExit(const DetachOnExit&) = delete;
    ~DetachOnExit() {
        if (core_) core_->driver_exited(attachment_);
    }

private:
    std::shared_ptr<Resolver::Core> core_;
    std::uint64_t attachment_;
};

// Keeps the Core attached until the loop's shutdown drain (or ~Resolver)
// cancels it.
Task<> keep_attached([[maybe_unused]] DetachOnExit guard) { co_await Park{}; }

}  // namespace

void Resolver::Core::attach() {
    EventLoop& loop = get_running_loop("resolve()");
    if (loop_ == &loop) return;
    if (closed_) throw InvalidStateError("resolve(): its Resolver was destroyed");
    if (loop_ != nullptr)
        throw InvalidStateError("resolve(): this Resolver is attached to another event loop (use one per loop)");
    init_library_once();

    ares_options options{};
    int mask = ARES_OPT_SOCK_STATE_CB;
    options.sock_state_cb = &Core::on_socket_state;
    options.sock_state_cb_data = this;
    if (options_.timeout) {
        mask |= ARES_OPT_TIMEOUTMS;
        const auto ms = std::chrono::ceil<std::chrono::milliseconds>(*options_.timeout).count();
        options.timeout = static_cast<int>(std::clamp<long long>(ms, 1, 1 << 30));
    }
    if (options_.tries) {
        mask |= ARES_OPT_TRIES;
        options.tries = std::max(1, *options_.tries);
    }
    ares_channel channel = nullptr;
    int status = ares_init_options(&channel, &options, mask);
    if (status != ARES_SUCCESS) throw DnsError(std::string("resolver: cannot set up c-ares: ") + ares_strerror(status));
    if (!options_.servers.empty()) {
        std::string csv;
        for (const auto& server : options_.servers) csv.append(csv.empty() ? "" : ",").append(server);
        status = ares_set_servers_ports_csv(channel, csv.c_str());
        if (status != ARES_SUCCESS) {
            ares_destroy(channel);
            std::string message = "resolver: bad name servers \"";
            message.append(csv).append("\": ").append(ares_strerror(status));
            throw DnsError(message);
        }
    }
    const int timer_fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (timer_fd < 0) {
        const int error = errno;
        ares_destroy(channel);
        throw DnsError(errno_message("resolver: timerfd_create", error));
    }
    channel_ = channel;
    timer_fd_ = timer_fd;
    timer_watch_.core = this;
    loop_ = &loop;
    loop_usable_ = true;
    ++attachment_;
    try {
        auto driver = agentio::detail::spawn(loop, keep_attached(DetachOnExit(shared_from_this(), attachment_)),
                                             "agentio DNS resolver");
        driver.node().context = agentio::detail::ContextRef{};  // not the context of whichever task resolved first
        driver_ = &driver.node();
    } catch (...) {
        detach();
        throw;
    }
}

void Resolver::Core::detach() noexcept {
    if (loop_ == nullptr) return;
    loop_usable_ = EventLoop::current() == loop_;
    // Runs every pending query's callback (waking its waiters with
    // ARES_EDESTRUCTION) and reports every socket closed.
    if (channel_ != nullptr) ares_destroy(channel_);
    channel_ = nullptr;
    for (auto& watch : watches_) {
        if (watch->state == SocketWatch::State::Live && loop_usable_) agentio::detail::LoopAccess::reactor(*loop_).remove(watch->fd);
        watch->state = SocketWatch::State::Free;
        watch->fd = -1;
    }
    if (timer_fd_ >= 0) {
        if (timer_watched_ && loop_usable_) agentio::detail::LoopAccess::reactor(*loop_).remove(timer_fd_);
        ::close(timer_fd_);
    }
    timer_fd_ = -1;
    timer_watched_ = false;
    in_flight_.clear();
    cache_.clear();  // its deadlines are on this loop's clock
    // From ~Resolver: the driver is parked (or not started) on this loop and
    // ends at once. From the driver's own exit, driver_ is already null.
    if (auto* driver = std::exchange(driver_, nullptr); driver != nullptr && loop_usable_) driver->cancel();
    loop_ = nullptr;
    loop_usable_ = false;
}

void Resolver::Core::watch_socket(int fd, bool readable, bool writable) noexcept {
    SocketWatch* watch = nullptr;
    for (auto& candidate : watches_)
        if (candidate->state == SocketWatch::State::Live && candidate->fd == fd) watch = candidate.get();
    if (!readable && !writable) {  // c-ares is about to close it
        if (watch == nullptr) return;
        if (loop_usable_) agentio::detail::LoopAccess::reactor(*loop_).remove(fd);
        watch->state = SocketWatch::State::Retired;
        return;
    }
    if (!loop_usable_) return;
    const std::uint32_t events = (readable ? EPOLLIN : 0u) | (writable ? EPOLLOUT : 0u);
    try {
        if (watch != nullptr) {
            agentio::detail::LoopAccess::reactor(*loop_).modify(fd, events, *watch);
            return;
        }
        for (auto& candidate : watches_)
            if (candidate->state == SocketWatch::State::Free) watch = candidate.get();
        if (watch == nullptr) {
            watches_.push_back(std::make_unique<SocketWatch>());
            watch = watches_.back().get();
            watch->core = this;
        }
        agentio::detail::LoopAccess::reactor(*loop_).add(fd, events, *watch);
        watch->fd = fd;
        watch->state = SocketWatch::State::Live;
    } catch (...) {
        // Out of memory: the socket goes unwatched and its query times out
        // through the timer instead of hanging.
    }
}

void Resolver::Core::rearm_timer() noexcept {
    if (channel_ == nullptr) return;
    timeval tv{};
    const bool pending = ares_timeout(channel_, nullptr, &tv) != nullptr;
    itimerspec spec{};  // all zero disarms
    if (pending) {
        // One millisecond late: ares_timeout rounds down, and a timer that
        // fires before c-ares thinks the time has come only spins.
        const long nanoseconds = static_cast<long>(tv.tv_usec) * 1000 + 1000000;
        spec.it_value.tv_sec = tv.tv_sec + nanoseconds / 1000000000;
        spec.it_value.tv_nsec = nanoseconds % 1000000000;
    }
    ::timerfd_settime(timer_fd_, 0, &spec, nullptr);
    // Watched only while queries are pending: an idle resolver adds nothing to
    // the reactor (the virtual clock's deadlock check counts watched fds).
    try {
        if (pending && !timer_watched_) {
            agentio::detail::LoopAccess::reactor(*loop_).add(timer_fd_, EPOLLIN, timer_watch_);
            timer_watched_ = true;
        } else if (!pending && timer_watched_) {
            agentio::detail::LoopAccess::reactor(*loop_).remove(timer_fd_);
            timer_watched_ = false;
        }
    } catch (...) {
    }
}

const std::vector<SocketAddress>* Resolver::Core::cached(const std::string& key) {
    auto it = cache_.find(key);
    if (it == cache_.end()) return nullptr;
    if (it->second.expiry <= loop_->now()) {
        cache_.erase(it);
        return nullptr;
    }
    return &it->second.addresses;
}

std::shared_ptr<Query> Resolver::Core::query(const std::string& key, const std::string& host, Family family) {
    if (auto it = in_flight_.find(key); it != in_flight_.end()) return it->second;
    // A task step, not a reactor dispatch: no stale event can name a watch
    // retired before now, so those may take new sockets.
    for (auto& watch : watches_)
        if (watch->state == SocketWatch::State::Retired) watch->state = SocketWatch::State::Free;
    auto query = std::make_shared<Query>(*this, key, host);
    in_flight_.emplace(key, query);
    ares_addrinfo_hints hints{};
    hints.ai_family = to_af(family);
    // The callback may run before this returns (an /etc/hosts answer).
    ares_getaddrinfo(channel_, host.c_str(), nullptr, &hints, &Core::on_addrinfo, query.get());
    rearm_timer();
    return query;
}

void Resolver::Core::finish(Query& query, int status, ares_addrinfo* result) noexcept {
    std::shared_ptr<Query> keep;  // the in-flight table's reference, dropped on return
    if (auto it = in_flight_.find(query.key); it != in_flight_.end() && it->second.get() == &query) {
        keep = std::move(it->second);
        in_flight_.erase(it);
    }
    int ttl = 1 << 30;
    try {
        if (status == ARES_SUCCESS && result != nullptr) {
            std::vector<SocketAddress> sorted;
            for (auto* node = result->nodes; node != nullptr; node = node->ai_next) {
                if (node->ai_family != AF_INET && node->ai_family != AF_INET6) continue;
                SocketAddress address = SocketAddress::from_native(node->ai_addr, node->ai_addrlen);
                address.set_port(0);
                if (std::find(sorted.begin(), sorted.end(), address) == sorted.end()) sorted.push_back(address);
                ttl = std::min(ttl, std::max(0, node->ai_ttl));
            }
            query.addresses = interleave(sorted);
        }
        if (status == ARES_SUCCESS && query.addresses.empty()) status = ARES_ENODATA;
        if (status == ARES_SUCCESS && loop_usable_) remember(query, ttl);
    } catch (...) {
        status = ARES_ENOMEM;
        query.addresses.clear();
    }
    if (result != nullptr) ares_freeaddrinfo(result);
    query.status = status;
    query.done = true;
    // Only tasks still linked wait here; cancelled ones have unlinked.
    if (loop_usable_) query.waiters.finish_all(agentio::detail::ListWaiter::Result::Granted);
}

void Resolver::Core::remember(const Query& query, int ttl_seconds) {
    if (options_.max_ttl <= Duration::zero()) return;
    const Duration ttl = std::clamp<Duration>(std::chrono::seconds(ttl_seconds), std::chrono::seconds(1), options_.max_ttl);
    const TimePoint now = loop_->now();
    if (cache_.size() >= sweep_at_) {
        std::erase_if(cache_, [&](const auto& item) { return item.second.expiry <= now; });
        sweep_at_ = std::max<std::size_t>(256, 2 * cache_.size());
    }
    cache_.insert_or_assign(query.key, Entry{query.addresses, now + ttl});
}

namespace {

Task<std::vector<SocketAddress>> lookup(std::shared_ptr<Resolver::Core> core, std::string host, std::uint16_t port,
                                        Family family) {
    if (auto literal = SocketAddress::parse(host, port)) {
        if ((family == Family::V4 && literal->is_ipv6()) || (family == Family::V6 && !literal->is_ipv6())) {
            std::string reason = "an address of the wrong family (";
            reason.append(family_name(family)).append(" was asked for)");
            throw dns_error(host, reason.c_str());
        }
        co_return std::vector<SocketAddress>{*literal};
    }
    std::string name = lower(host);
    if (is_localhost(name)) co_return loopback(port, family);
    if (!core) throw InvalidStateError("resolve() on a moved-from Resolver");
    core->attach();
    if (!name.empty() && name.back() == '.') name.pop_back();  // "example.com." is "example.com"
    const std::string key = name.append(1, '/').append(family_name(family));
    if (const auto* hit = core->cached(key)) co_return with_port(*hit, port);

    std::shared_ptr<Query> query = core->query(key, host, family);
    co_await QueryWait(query);
    if (query->status != ARES_SUCCESS) throw dns_error(host, ares_strerror(query->status));
    co_return with_port(query->addresses, port);
}

}  // namespace

Resolver::Resolver(ResolverOptions options) : core_(std::make_shared<Core>(std::move(options))) {}

Resolver::~Resolver() {
    if (core_) core_->close();
}

Resolver::Resolver(Resolver&&) noexcept = default;

Resolver& Resolver::operator=(Resolver&& other) noexcept {
    if (this != &other) {
        if (core_) core_->close();
        core_ = std::move(other.core_);
    }
    return *this;
}

Resolver& Resolver::for_current_loop() {
    EventLoop& loop = get_running_loop("Resolver::for_current_loop()");
    // An entry outlives its loop, detached; a later loop at the same address
    // finds it detached with an empty cache, as good as new.
    thread_local std::unordered_map<EventLoop*, std::unique_ptr<Resolver>> defaults;
    auto& slot = defaults[&loop];
    if (!slot) slot = std::make_unique<Resolver>();
    return *slot;
}

Task<std::vector<SocketAddress>> Resolver::resolve(std::string host, std::uint16_t port, Family family) {
    return lookup(core_, std::move(host), port, family);
}

std::size_t Resolver::cache_size() const noexcept { return core_ ? core_->cache_size() : 0; }

void Resolver::clear_cache() noexcept {
    if (core_) core_->clear_cache();
}

std::size_t Resolver::queries_in_flight() const noexcept { return core_ ? core_->in_flight() : 0; }

Task<std::vector<SocketAddress>> resolve(std::string host, std::uint16_t port, Family family) {
    co_return co_await Resolver::for_current_loop().resolve(std::move(host), port, family);
}

}  // namespace agentio::net
