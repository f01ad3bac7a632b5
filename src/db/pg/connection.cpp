// connection.cpp: libpq's non-blocking connect and pipeline mode, driven by
// the loop.
//
// libpq owns its socket; the loop watches a duplicate of it (an IoHandle
// owns what it watches), taken again whenever libpq's socket changes (a
// connect that moves on to the next address). The epoll registration is
// edge-triggered and libpq may leave bytes in the socket after a read, so
// every wait first asks poll() whether the socket is ready already.
//
// Invariants:
// - `waiting` has one entry per query sent and not yet finished, in the
//   order sent; an entry is null when its task left, and that query's
//   results are then dropped. A query's results end with the
//   PGRES_PIPELINE_SYNC of its own Sync: that pops its entry.
// - Once `open` is false it stays false and every waiter has been woken.
// - The reader and flusher tasks hold the state by shared_ptr; the state
//   holds no handle to them.
#include "agentio/db/pg/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <fmt/format.h>

#include "agentio/core/create_task.hpp"
#include "agentio/core/event.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/db/pg/errors.hpp"
#include "agentio/net/errors.hpp"
#include "agentio/net/io_handle.hpp"
#include "agentio/net/resolver.hpp"

namespace agentio::db::pg {

namespace {

struct Pending {
    Event done;
    std::shared_ptr<pg_result> result;  // the segment's first result
    std::exception_ptr error;
};

// libpq's messages end with a newline; ours do not.
std::string trimmed(const char* message) {
    std::string text = message != nullptr ? message : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

std::string field(const PGresult* result, int code) {
    const char* value = PQresultErrorField(result, code);
    return value != nullptr ? value : "";
}

}  // namespace

struct Connection::State {
    ~State() {
        if (conn != nullptr) PQfinish(conn);
    }

    PGconn* conn = nullptr;
    std::string peer = "postgres";
    net::IoHandle io;     // watches a duplicate of libpq's socket
    ino_t socket_id = 0;  // which socket `io` duplicates
    std::deque<Pending*> waiting;
    Event wake_flusher;
    bool open = true;
    std::exception_ptr end;

    // Follows libpq's socket if it changed (a new connect attempt).
    void track_socket() {
        const int fd = PQsocket(conn);
        struct stat info {};
        if (fd < 0 || ::fstat(fd, &info) != 0) throw net::ConnectionError(peer + ": libpq has no socket");
        if (io.is_open() && info.st_ino == socket_id) return;
        const int copy = ::dup(fd);
        if (copy < 0) throw net::ConnectionError(peer + ": dup of libpq's socket failed", errno);
        io = net::IoHandle(copy, peer);
        socket_id = info.st_ino;
    }

    // Resumes when the socket is readable (or writable).
    Task<> ready(bool write) {
        pollfd probe{io.fd(), static_cast<short>(write ? POLLOUT : POLLIN), 0};
        if (::poll(&probe, 1, 0) > 0) co_return;  // ready already: an edge may be long gone
        if (write) co_await io.writable();
        else co_await io.readable();
    }

    void check_open() const {
        if (open) return;
        if (end) std::rethrow_exception(end);
        throw net::ConnectionError(peer + ": the connection is closed");
    }

    void fail_all(std::exception_ptr error) noexcept {
        if (!open) return;
        open = false;
        end = error;
        std::deque<Pending*> owed = std::move(waiting);
        waiting.clear();
        for (Pending* pending : owed) {
            if (pending == nullptr || pending->done.is_set()) continue;
            pending->error = error;
            pending->done.set();
        }
        io.close();  // wakes the reader and the flusher
        wake_flusher.set();
    }

    void forget(const Pending& pending) noexcept {
        for (Pending*& entry : waiting)
            if (entry == &pending) entry = nullptr;
    }

    // Hands every finished result to its query, in order.
    void drain_results() {
        int nulls = 0;
        while (!waiting.empty() && !PQisBusy(conn)) {
            PGresult* result = PQgetResult(conn);
            if (result == nullptr) {  // the end of one query's results; its Sync comes next
                if (++nulls > 1) return;
                continue;
            }
            nulls = 0;
            std::shared_ptr<pg_result> owned(result, &PQclear);
            Pending* pending = waiting.front();
            if (PQresultStatus(result) == PGRES_PIPELINE_SYNC) {
                waiting.pop_front();
                if (pending != nullptr) pending->done.set();
                continue;
            }
            if (pending != nullptr && !pending->result) pending->result = std::move(owned);
        }
    }

    static Task<> read_loop(std::shared_ptr<State> self) {
        try {
            for (;;) {
                co_await self->ready(false);
                if (!self->open) co_return;
                if (!PQconsumeInput(self->conn)) throw net::ConnectionError(self->peer + ": " + trimmed(PQerrorMessage(self->conn)));
                self->drain_results();
                if (PQstatus(self->conn) == CONNECTION_BAD)
                    throw net::ConnectionError(self->peer + ": " + trimmed(PQerrorMessage(self->conn)));
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

    static Task<> flush_loop(std::shared_ptr<State> self) {
        try {
            for (;;) {
                co_await self->wake_flusher.wait();
                self->wake_flusher.clear();
                if (!self->open) co_return;
                for (;;) {
                    const int left = PQflush(self->conn);
                    if (left == 0) break;
                    if (left < 0) throw net::ConnectionError(self->peer + ": " + trimmed(PQerrorMessage(self->conn)));
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
};

namespace {

// Takes a query's entry out of `waiting` if its task leaves before the result.
class PendingQuery {
public:
    PendingQuery(Connection::State& state, Pending& pending) : state_(state), pending_(pending) {
        state_.waiting.push_back(&pending_);
    }
    ~PendingQuery() {
        if (!pending_.done.is_set()) state_.forget(pending_);
    }
    PendingQuery(const PendingQuery&) = delete;
    PendingQuery& operator=(const PendingQuery&) = delete;

private:
    Connection::State& state_;
    Pending& pending_;
};

Task<Rows> run_query(std::shared_ptr<Connection::State> self, std::string sql, std::vector<Param> params) {
    self->check_open();
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& param : params) values.push_back(param ? param->c_str() : nullptr);
    if (!PQsendQueryParams(self->conn, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                           nullptr, 0) ||
        !PQpipelineSync(self->conn)) {
        throw net::ConnectionError(self->peer + ": cannot send the query: " + trimmed(PQerrorMessage(self->conn)));
    }
    Pending pending;
    PendingQuery queued(*self, pending);
    self->wake_flusher.set();
    co_await pending.done.wait();
    if (pending.error) std::rethrow_exception(pending.error);
    if (!pending.result) co_return Rows();  // an empty query string
    const ExecStatusType status = PQresultStatus(pending.result.get());
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) co_return Rows(std::move(pending.result));
    const PGresult* failed = pending.result.get();
    PgError::Fields fields;
    fields.sqlstate = field(failed, PG_DIAG_SQLSTATE);
    fields.message = field(failed, PG_DIAG_MESSAGE_PRIMARY);
    if (fields.message.empty()) fields.message = trimmed(PQresultErrorMessage(failed));
    fields.detail = field(failed, PG_DIAG_MESSAGE_DETAIL);
    fields.hint = field(failed, PG_DIAG_MESSAGE_HINT);
    fields.query = std::move(sql);
    throw PgError(std::move(fields));
}

Task<std::int64_t> run_command(std::shared_ptr<Connection::State> self, std::string sql, std::vector<Param> params) {
    Task<Rows> running = run_query(std::move(self), std::move(sql), std::move(params));
    const Rows rows = co_await std::move(running);
    co_return rows.affected();
}

// The conninfo's keywords and values, with `hostaddr` added for a host name
// resolved here (libpq would resolve it with a blocking call).
struct ConnInfo {
    std::vector<std::string> keywords;
    std::vector<std::string> values;

    std::optional<std::string> get(std::string_view keyword) const {
        for (std::size_t i = 0; i < keywords.size(); ++i)
            if (keywords[i] == keyword) return values[i];
        return std::nullopt;
    }
};

ConnInfo parse_conninfo(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
    if (options == nullptr) {
        const std::string why = error != nullptr ? trimmed(error) : "out of memory";
        if (error != nullptr) PQfreemem(error);
        throw Error("postgres connection string: " + why);
    }
    ConnInfo info;
    for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
        if (option->val == nullptr) continue;
        info.keywords.emplace_back(option->keyword);
        info.values.emplace_back(option->val);
    }
    PQconninfoFree(options);
    return info;
}

bool is_ip_literal(const std::string& host) {
    return host.find(':') != std::string::npos || host.find_first_not_of("0123456789.") == std::string::npos;
}

Task<ConnInfo> resolved(ConnInfo info) {
    std::optional<std::string> host = info.get("host");
    if (!host) {
        if (const char* env = std::getenv("PGHOST")) host = env;
    }
    if (!host || host->empty() || info.get("hostaddr") || host->front() == '/' || host->find(',') != std::string::npos ||
        is_ip_literal(*host))
        co_return info;
    std::optional<std::string> port = info.get("port");
    if (!port) {
        if (const char* env = std::getenv("PGPORT")) port = env;
    }
    const std::uint16_t number = port ? static_cast<std::uint16_t>(std::atoi(port->c_str())) : 5432;
    Task<std::vector<net::SocketAddress>> resolving = net::resolve(*host, number);
    const std::vector<net::SocketAddress> addresses = co_await std::move(resolving);
    // Every address, so that libpq tries the next when one refuses (as it
    // would after its own lookup): host repeated, hostaddr the list.
    std::string hosts, addrs;
    for (const net::SocketAddress& address : addresses) {
        hosts += (hosts.empty() ? "" : ",") + *host;
        addrs += (addrs.empty() ? "" : ",") + address.ip();
    }
    if (!addresses.empty()) {
        bool had_host = false;
        for (std::size_t i = 0; i < info.keywords.size(); ++i)
            if (info.keywords[i] == "host") {
                info.values[i] = hosts;
                had_host = true;
            }
        if (!had_host) {
            info.keywords.emplace_back("host");
            info.values.push_back(hosts);
        }
        info.keywords.emplace_back("hostaddr");
        info.values.push_back(addrs);
    }
    co_return info;
}

Task<> establish(std::shared_ptr<Connection::State> self, std::string conninfo) {
    Task<ConnInfo> resolving = resolved(parse_conninfo(conninfo));
    const ConnInfo info = co_await std::move(resolving);
    std::vector<const char*> keywords, values;
    for (std::size_t i = 0; i < info.keywords.size(); ++i) {
        keywords.push_back(info.keywords[i].c_str());
        values.push_back(info.values[i].c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    self->conn = PQconnectStartParams(keywords.data(), values.data(), 0);
    if (self->conn == nullptr) throw Error("postgres: out of memory starting a connection");
    const auto where = [&] {
        const char* host = PQhost(self->conn);
        const char* port = PQport(self->conn);
        return fmt::format("postgres {}:{}", host != nullptr && *host ? host : "localhost", port != nullptr && *port ? port : "5432");
    };
    self->peer = where();
    if (PQstatus(self->conn) == CONNECTION_BAD) throw net::ConnectionError(self->peer + ": " + trimmed(PQerrorMessage(self->conn)));
    PostgresPollingStatusType polling = PGRES_POLLING_WRITING;  // as libpq says to start
    for (;;) {
        self->track_socket();
        co_await self->ready(polling == PGRES_POLLING_WRITING);
        polling = PQconnectPoll(self->conn);
        self->peer = where();
        if (polling == PGRES_POLLING_OK) break;
        if (polling == PGRES_POLLING_FAILED)
            throw net::ConnectionError(self->peer + ": " + trimmed(PQerrorMessage(self->conn)));
    }
    self->track_socket();
    if (PQsetnonblocking(self->conn, 1) != 0 || PQenterPipelineMode(self->conn) != 1)
        throw net::ConnectionError(self->peer + ": cannot enter pipeline mode: " + trimmed(PQerrorMessage(self->conn)));
    create_task(Connection::State::read_loop(self), self->peer + " reader");
    create_task(Connection::State::flush_loop(self), self->peer + " flusher");
}

}  // namespace

Connection::Connection(std::shared_ptr<State> state) noexcept : state_(std::move(state)) {}
Connection::Connection(Connection&&) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept {
    if (this != &other) {
        close();
        state_ = std::move(other.state_);
    }
    return *this;
}
Connection::~Connection() { close(); }

Task<Connection> Connection::connect(std::string conninfo, ConnectOptions options) {
    auto state = std::make_shared<State>();
    Connection connection(state);  // closes it if this fails
    Task<> establishing = establish(state, std::move(conninfo));
    if (!options.connect_timeout) {
        co_await std::move(establishing);
        co_return std::move(connection);
    }
    Timeout scope(EventLoop::current()->now() + *options.connect_timeout);
    try {
        co_await scope.run(std::move(establishing));
    } catch (const TimeoutError&) {
        if (!scope.expired()) throw;
    }
    if (scope.expired())
        throw TimeoutError(fmt::format("{}: no connection within the connect timeout of {:.3f} s", state->peer,
                                       std::chrono::duration<double>(*options.connect_timeout).count()));
    co_return std::move(connection);
}

Task<Rows> Connection::query_params(std::string sql, std::vector<Param> params) {
    return run_query(state_, std::move(sql), std::move(params));
}

Task<std::int64_t> Connection::execute_params(std::string sql, std::vector<Param> params) {
    return run_command(state_, std::move(sql), std::move(params));
}

bool Connection::is_open() const noexcept { return state_ && state_->open; }
const std::string& Connection::peer() const noexcept { return state_->peer; }

void Connection::close() noexcept {
    if (!state_ || !state_->open) return;
    state_->fail_all(std::make_exception_ptr(net::ConnectionError(state_->peer + ": the connection was closed")));
}

}  // namespace agentio::db::pg
