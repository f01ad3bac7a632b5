// copy.cpp: COPY FROM STDIN and TO STDOUT. libpq refuses COPY in pipeline
// mode, so a COPY holds the connection, waits for the pipeline to empty,
// leaves pipeline mode, and reads its own results (the reader only takes
// bytes off the socket meanwhile and wakes it), then enters it again.
#include <cstdlib>

#include "agentio/core/errors.hpp"
#include "agentio/db/pg/connection.hpp"
#include "agentio/db/pg/errors.hpp"
#include "agentio/net/errors.hpp"
#include "connection_state.hpp"

namespace agentio::db::pg {

namespace {

constexpr std::size_t kChunk = 64 * 1024;

using Result = std::unique_ptr<PGresult, void (*)(PGresult*)>;

// Outside pipeline mode for the scope; back in it at the end, or, for a COPY
// left midway, the connection closed: it cannot be trusted after that.
class CopyMode {
public:
    CopyMode(detail::ConnectionState& state, Event& input) : state_(state) {
        if (PQexitPipelineMode(state_.conn) != 1)
            throw net::ConnectionError(state_.peer + ": cannot leave pipeline mode for COPY: " +
                                       detail::trimmed(PQerrorMessage(state_.conn)));
        state_.copy_input = &input;
    }
    ~CopyMode() {
        state_.copy_input = nullptr;
        if (!state_.open) return;
        if (finished_ && PQenterPipelineMode(state_.conn) == 1) return;
        state_.fail_all(std::make_exception_ptr(net::ConnectionError(
            state_.peer + (finished_ ? ": cannot enter pipeline mode after COPY" : ": closed: a COPY was left midway"))));
    }
    void finished() noexcept { finished_ = true; }
    CopyMode(const CopyMode&) = delete;
    CopyMode& operator=(const CopyMode&) = delete;

private:
    detail::ConnectionState& state_;
    bool finished_ = false;
};

struct Copy {
    std::shared_ptr<detail::ConnectionState> self;
    std::string sql;
    Event input;

    // Waits for libpq to have the next result (null at the end of them).
    Task<Result> next_result() {
        for (;;) {
            self->check_open();
            if (!PQisBusy(self->conn)) co_return Result(PQgetResult(self->conn), &PQclear);
            input.clear();
            co_await input.wait();
        }
    }

    // Everything queued has reached the socket.
    Task<> flushed() {
        for (;;) {
            self->check_open();
            const int left = PQflush(self->conn);
            if (left == 0) co_return;
            if (left < 0) throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
            self->output_flushed.clear();
            self->wake_flusher.set();
            co_await self->output_flushed.wait();
        }
    }

    Task<> put(std::string_view chunk) {
        for (;;) {
            const int queued = PQputCopyData(self->conn, chunk.data(), static_cast<int>(chunk.size()));
            if (queued < 0) throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
            if (queued == 1) break;
            Task<> draining = flushed();
            co_await std::move(draining);
        }
        Task<> draining = flushed();  // one chunk in libpq's buffer at most
        co_await std::move(draining);
    }

    Task<> end(const char* failure) {
        for (;;) {
            const int queued = PQputCopyEnd(self->conn, failure);
            if (queued < 0) throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
            if (queued == 1) break;
            Task<> draining = flushed();
            co_await std::move(draining);
        }
        Task<> draining = flushed();
        co_await std::move(draining);
    }

    // The COPY's final result and the null after it: the rows copied.
    Task<std::int64_t> finish(CopyMode& mode) {
        Task<Result> finishing = next_result();
        Result result = co_await std::move(finishing);
        Task<Result> closing = next_result();
        Result last = co_await std::move(closing);
        if (last) throw net::ConnectionError(self->peer + ": more results than one after COPY");
        mode.finished();
        if (!result) throw net::ConnectionError(self->peer + ": no result for COPY");
        if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) throw detail::error_of(result.get(), sql);
        co_return std::atoll(PQcmdTuples(result.get()));
    }
};

std::string describe_exception(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "an exception";
    }
}

Task<std::int64_t> run_copy(std::shared_ptr<detail::ConnectionState> self, std::string sql, CopySource* source,
                            CopySink* sink) {
    std::optional<detail::Hold> held;
    if (!self->held_here()) {
        Lock::Guard turn = co_await self->exclusive.acquire();
        held.emplace(*self, std::move(turn));
    }
    while (!self->waiting.empty()) {  // libpq leaves pipeline mode only when it is empty
        self->check_open();
        self->pipeline_idle.clear();
        co_await self->pipeline_idle.wait();
    }
    self->check_open();
    Copy copy{self, sql, {}};
    CopyMode mode(*self, copy.input);
    if (!PQsendQuery(self->conn, sql.c_str()))
        throw net::ConnectionError(self->peer + ": cannot send the COPY: " + detail::trimmed(PQerrorMessage(self->conn)));
    self->wake_flusher.set();
    Task<Result> starting = copy.next_result();
    Result started = co_await std::move(starting);
    if (!started) throw net::ConnectionError(self->peer + ": no result for COPY");
    const ExecStatusType status = PQresultStatus(started.get());
    if (status == PGRES_COPY_IN) {
        if (source == nullptr) {
            Task<> ending = copy.end("agentio: copy_out() was given a COPY ... FROM STDIN");
            co_await std::move(ending);
        } else {
            std::exception_ptr failed;
            for (;;) {
                Task<std::optional<std::string>> pulling = (*source)();
                std::optional<std::string> chunk;
                try {
                    chunk = co_await std::move(pulling);
                } catch (const CancelledError&) {
                    throw;  // left midway: the connection closes
                } catch (...) {
                    failed = std::current_exception();
                }
                if (failed || !chunk) break;
                for (std::size_t at = 0; at < chunk->size(); at += kChunk) {
                    Task<> putting = copy.put(std::string_view(*chunk).substr(at, kChunk));
                    co_await std::move(putting);
                }
            }
            if (failed) {
                const std::string why = "the data source failed: " + describe_exception(failed);
                Task<> ending = copy.end(why.c_str());
                co_await std::move(ending);
                Task<std::int64_t> finishing = copy.finish(mode);
                try {
                    co_await std::move(finishing);
                } catch (const PgError&) {
                    // The server's echo of our failure: the source's own error says more.
                }
                std::rethrow_exception(failed);
            }
            Task<> ending = copy.end(nullptr);
            co_await std::move(ending);
        }
    } else if (status == PGRES_COPY_OUT) {
        for (;;) {
            char* buffer = nullptr;
            const int length = PQgetCopyData(self->conn, &buffer, 1);
            if (length > 0) {
                const std::unique_ptr<char, void (*)(void*)> row(buffer, &PQfreemem);
                if (sink == nullptr) continue;  // copy_in() given a TO STDOUT: read it off, then say so
                Task<> handing = (*sink)(std::string_view(row.get(), static_cast<std::size_t>(length)));
                co_await std::move(handing);
            } else if (length == 0) {
                copy.input.clear();
                co_await copy.input.wait();
                self->check_open();
            } else if (length == -1) {
                break;
            } else {
                throw net::ConnectionError(self->peer + ": " + detail::trimmed(PQerrorMessage(self->conn)));
            }
        }
        if (sink == nullptr) {
            Task<std::int64_t> finishing = copy.finish(mode);
            co_await std::move(finishing);
            throw Error("postgres: copy_in() was given a COPY ... TO STDOUT: " + sql);
        }
    } else {
        // An error (or a statement that is not a COPY): its result, then the null.
        Result failure = std::move(started);
        Task<Result> closing = copy.next_result();
        Result last = co_await std::move(closing);
        mode.finished();
        if (PQresultStatus(failure.get()) == PGRES_FATAL_ERROR) throw detail::error_of(failure.get(), sql);
        throw Error("postgres: not a COPY statement: " + sql);
    }
    Task<std::int64_t> finishing = copy.finish(mode);
    co_return co_await std::move(finishing);
}

// A value in COPY's text format: backslash escapes for the characters that
// would end a field or a row.
void append_copy_field(std::string& out, const Param& value) {
    if (!value) {
        out += "\\N";
        return;
    }
    for (const char c : *value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
}

}  // namespace

Task<std::int64_t> Connection::copy_in(std::string copy_statement, CopySource source) {
    auto owned = std::make_shared<CopySource>(std::move(source));
    Task<std::int64_t> copying = run_copy(state_, std::move(copy_statement), owned.get(), nullptr);
    return [](Task<std::int64_t> copying, std::shared_ptr<CopySource>) -> Task<std::int64_t> {
        co_return co_await std::move(copying);
    }(std::move(copying), std::move(owned));
}

Task<std::int64_t> Connection::copy_in(std::string copy_statement, std::string data) {
    auto remaining = std::make_shared<std::optional<std::string>>(std::move(data));
    CopySource source = [remaining]() -> Task<std::optional<std::string>> {
        std::optional<std::string> chunk = std::move(*remaining);
        remaining->reset();
        co_return chunk;
    };
    return copy_in(std::move(copy_statement), std::move(source));
}

Task<std::int64_t> Connection::copy_out(std::string copy_statement, CopySink sink) {
    auto owned = std::make_shared<CopySink>(std::move(sink));
    Task<std::int64_t> copying = run_copy(state_, std::move(copy_statement), nullptr, owned.get());
    return [](Task<std::int64_t> copying, std::shared_ptr<CopySink>) -> Task<std::int64_t> {
        co_return co_await std::move(copying);
    }(std::move(copying), std::move(owned));
}

Task<std::int64_t> Connection::copy_records(std::string table, std::vector<std::string> columns,
                                            std::vector<std::vector<Param>> records) {
    std::string sql = "COPY " + quote_identifier(table) + " (";
    for (std::size_t i = 0; i < columns.size(); ++i) sql += (i > 0 ? ", " : "") + quote_identifier(columns[i]);
    sql += ") FROM STDIN";
    auto rows = std::make_shared<std::vector<std::vector<Param>>>(std::move(records));
    auto next = std::make_shared<std::size_t>(0);
    const std::size_t width = columns.size();
    CopySource source = [rows, next, width]() -> Task<std::optional<std::string>> {
        if (*next >= rows->size()) co_return std::nullopt;
        std::string chunk;
        for (; *next < rows->size() && chunk.size() < kChunk; ++*next) {
            const std::vector<Param>& row = (*rows)[*next];
            if (row.size() != width)
                throw Error("postgres copy_records: row " + std::to_string(*next) + " has " + std::to_string(row.size()) +
                            " values for " + std::to_string(width) + " columns");
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i > 0) chunk += '\t';
                append_copy_field(chunk, row[i]);
            }
            chunk += '\n';
        }
        co_return chunk;
    };
    return copy_in(std::move(sql), std::move(source));
}

}  // namespace agentio::db::pg
