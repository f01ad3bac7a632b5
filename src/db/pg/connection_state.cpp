// connection_state.cpp: the reader, the flusher, and what runs beside the
// queries (unawaited segments, the server-side cancel, notifications).
#include "connection_state.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "agentio/core/create_task.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/to_thread.hpp"
#include "agentio/net/errors.hpp"
#include "notification_queue.hpp"

namespace agentio::db::pg {

namespace detail {

std::string trimmed(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

PgError error_of(const PGresult* failed, const std::string& sql) {
    const auto field = [&](int code) {
        const char* value = PQresultErrorField(failed, code);
        return std::string(value != nullptr ? value : "");
    };
    PgError::Fields fields;
    fields.sqlstate = field(PG_DIAG_SQLSTATE);
    fields.message = field(PG_DIAG_MESSAGE_PRIMARY);
    if (fields.message.empty()) fields.message = trimmed(PQresultErrorMessage(failed));
    fields.detail = field(PG_DIAG_MESSAGE_DETAIL);
    // Where it happened: "COPY items, line 3, column id: ...", a PL/pgSQL line.
    const std::string context = field(PG_DIAG_CONTEXT);
    if (!context.empty()) fields.detail += (fields.detail.empty() ? "" : "; ") + context;
    fields.hint = field(PG_DIAG_MESSAGE_HINT);
    fields.query = sql;
    return PgError(std::move(fields));
}

}  // namespace detail

namespace {

bool is_error(const PGresult* result) {
    switch (PQresultStatus(result)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
    case PGRES_SINGLE_TUPLE:
        return false;
    default:
        return true;
    }
}

}  // namespace

detail::ConnectionState::~ConnectionState() {
    if (conn != nullptr) PQfinish(conn);
}

void detail::ConnectionState::track_socket() {
    const int fd = PQsocket(conn);
    struct stat info {};
    if (fd < 0 || ::fstat(fd, &info) != 0) throw net::ConnectionError(peer + ": libpq has no socket");
    if (io.is_open() && info.st_ino == socket_id) return;
    const int copy = ::dup(fd);
    if (copy < 0) throw net::ConnectionError(peer + ": dup of libpq's socket failed", errno);
    io = net::IoHandle(copy, peer);
    socket_id = info.st_ino;
}

Task<> detail::ConnectionState::ready(bool write) {
    pollfd probe{io.fd(), static_cast<short>(write ? POLLOUT : POLLIN), 0};
    if (::poll(&probe, 1, 0) > 0) co_return;  // ready already: an edge may be long gone
    if (write) co_await io.writable();
    else co_await io.readable();
}

void detail::ConnectionState::check_open() const {
    if (open) return;
    if (end) std::rethrow_exception(end);
    throw net::ConnectionError(peer + ": the connection is closed");
}

void detail::ConnectionState::hold_output() noexcept {
    if (corked || !can_cork || !io.is_open()) return;
    const int on = 1;
    if (::setsockopt(io.fd(), IPPROTO_TCP, TCP_CORK, &on, sizeof on) != 0) {
        can_cork = false;
        return;
    }
    corked = true;
}

void detail::ConnectionState::release_output() noexcept {
    if (!corked) return;
    corked = false;
    const int off = 0;
    (void)::setsockopt(io.fd(), IPPROTO_TCP, TCP_CORK, &off, sizeof off);
}

Task<> detail::ConnectionState::wait_for_turn() {
    for (;;) {
        check_open();
        if (may_send_now()) co_return;
        co_await not_held.wait();
    }
}

bool detail::ConnectionState::held_here() const noexcept {
    const detail::HoldMark* mark = detail::holding.get();
    return held_by != 0 && mark != nullptr && mark->state == this && mark->id == held_by;
}

detail::Hold::Hold(ConnectionState& state, Lock::Guard turn) : state_(state), turn_(std::move(turn)) {
    if (const HoldMark* before = holding.get()) previous_ = *before;
    state_.held_by = ++state_.holds_made;
    state_.not_held.clear();
    holding.set({&state_, state_.held_by});
}

detail::Hold::~Hold() {
    holding.set(previous_);
    state_.held_by = 0;
    state_.not_held.set();
}

void detail::ConnectionState::fail_all(std::exception_ptr error) noexcept {
    if (!open) return;
    open = false;
    end = error;
    std::deque<detail::Pending*> owed = std::move(waiting);
    waiting.clear();
    for (detail::Pending* pending : owed) {
        if (pending == nullptr || pending->done.is_set()) continue;
        pending->error = error;
        pending->done.set();
    }
    for (const std::weak_ptr<detail::ListenerQueue>& listener : listeners)
        if (auto queue = listener.lock()) queue->finish(error);
    listeners.clear();
    io.close();  // wakes the reader and the flusher
    wake_flusher.set();
    not_held.set();  // queries waiting for their turn see the end
    pipeline_idle.set();
    output_flushed.set();
    if (copy_input != nullptr) copy_input->set();
}

void detail::ConnectionState::forget(const detail::Pending& pending) noexcept {
    for (detail::Pending*& entry : waiting)
        if (entry == &pending) entry = nullptr;
}

void detail::ConnectionState::send_unawaited(const std::string& sql) noexcept {
    if (!open) return;
    hold_output();
    if (!PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) || !PQpipelineSync(conn)) {
        fail_all(std::make_exception_ptr(
            net::ConnectionError(peer + ": cannot send " + sql + ": " + detail::trimmed(PQerrorMessage(conn)))));
        return;
    }
    waiting.push_back(nullptr);
    wake_flusher.set();
}

void detail::ConnectionState::deallocate_evicted() noexcept {
    for (const std::string& name : statements.evicted()) send_unawaited("DEALLOCATE " + name);
}

namespace {

// PQcancel opens a connection of its own and waits for the server to close
// it: a blocking call, so it runs on a worker thread.
Task<> send_cancel(std::shared_ptr<PGcancel> cancel) {
    auto request = [cancel] {
        std::array<char, 256> reason{};
        PQcancel(cancel.get(), reason.data(), static_cast<int>(reason.size()));
    };
    co_await to_thread(std::move(request));
}

}  // namespace

void detail::ConnectionState::cancel_running() {
    if (!open) return;
    PGcancel* handle = PQgetCancel(conn);
    if (handle == nullptr) return;
    // The statement's own result (57014, "canceling statement due to user
    // request") then arrives and is dropped with its segment.
    create_task(send_cancel(std::shared_ptr<PGcancel>(handle, &PQfreeCancel)), peer + " cancel request");
}

void detail::ConnectionState::drain_results() {
    if (copy_input != nullptr) {  // a COPY reads its own results
        copy_input->set();
        return;
    }
    int nulls = 0;
    while (!waiting.empty() && !PQisBusy(conn)) {
        PGresult* result = PQgetResult(conn);
        if (result == nullptr) {  // the end of one query's results; its Sync comes next
            if (++nulls > 1) return;
            continue;
        }
        nulls = 0;
        std::shared_ptr<pg_result> owned(result, &PQclear);
        detail::Pending* pending = waiting.front();
        if (PQresultStatus(result) == PGRES_PIPELINE_SYNC) {
            waiting.pop_front();
            if (pending != nullptr) pending->done.set();
            continue;
        }
        if (pending == nullptr) continue;
        if (pending->all != nullptr) {
            pending->all->push_back(std::move(owned));
            continue;
        }
        const bool failed = is_error(result);
        if (failed && pending->prepares && pending->results == 0) pending->prepare_failed = true;
        ++pending->results;
        if (!pending->result || !is_error(pending->result.get())) pending->result = std::move(owned);
    }
    if (waiting.empty()) pipeline_idle.set();
}

void detail::ConnectionState::deliver_notifications() {
    while (PGnotify* raw = PQnotifies(conn)) {
        const std::unique_ptr<PGnotify, void (*)(void*)> notify(raw, &PQfreemem);
        for (const std::weak_ptr<detail::ListenerQueue>& listener : listeners) {
            auto queue = listener.lock();
            if (queue && queue->channel == notify->relname)
                queue->push(Notification{notify->relname, notify->extra != nullptr ? notify->extra : "", notify->be_pid});
        }
    }
    std::erase_if(listeners, [](const std::weak_ptr<detail::ListenerQueue>& listener) { return listener.expired(); });
}

Task<> detail::ConnectionState::read_loop(std::shared_ptr<ConnectionState> self) {
    try {
        for (;;) {
            co_await self->ready(false);
            if (!self->open) co_return;
            if (!PQconsumeInput(self->conn))
                throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
            self->drain_results();
            if (!self->listeners.empty()) self->deliver_notifications();
            if (PQstatus(self->conn) == CONNECTION_BAD)
                throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
        }
    } catch (const CancelledError&) {
        self->fail_all(std::make_exception_ptr(net::ConnectionError(self->peer + ": closed when its event loop ended")));
        throw;
    } catch (const std::exception& e) {
        const std::string what = e.what();
        self->fail_all(std::make_exception_ptr(
            net::ConnectionError(what.starts_with(self->peer) ? what : self->peer + ": " + what)));
    }
}

Task<> detail::ConnectionState::flush_loop(std::shared_ptr<ConnectionState> self) {
    try {
        for (;;) {
            co_await self->wake_flusher.wait();
            self->wake_flusher.clear();
            if (!self->open) co_return;
            for (;;) {
                const int left = PQflush(self->conn);
                if (left == 0) {
                    self->release_output();
                    self->output_flushed.set();
                    break;
                }
                if (left < 0)
                    throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
                co_await self->ready(true);
                if (!self->open) co_return;
            }
        }
    } catch (const CancelledError&) {
        self->fail_all(std::make_exception_ptr(net::ConnectionError(self->peer + ": closed when its event loop ended")));
        throw;
    } catch (const std::exception& e) {
        self->fail_all(std::make_exception_ptr(net::ConnectionError(e.what())));
    }
}

}  // namespace agentio::db::pg
