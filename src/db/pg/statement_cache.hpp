// statement_cache.hpp: which query texts a connection has prepared, as
// asyncpg's statement cache: a query seen before runs as a named prepared
// statement, skipping the server's parse and plan.
//
// Least recently used entries go first once `capacity` is reached; the
// caller deallocates the names evict() hands back. Capacity 0 turns the cache
// off (every query is sent unnamed), for poolers that move a session between
// server connections (PgBouncer in transaction mode), where a name prepared
// on one is unknown to the next.
//
// A statement is only executed by name once its Prepare has succeeded: the
// queries that arrive while it is in flight are sent unnamed, so a Prepare
// that fails never takes other queries down with it.
//
// The first execution's result (text) tells the statement's column types;
// later executions ask for binary results when every column has a binary
// reader (rows.hpp's binary_readable), as asyncpg does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace agentio::db::pg::detail {

class StatementCache {
public:
    explicit StatementCache(std::size_t capacity) : capacity_(capacity) {}

    struct Use {
        enum class How { Unnamed, Prepare, Execute } how = How::Unnamed;
        std::string name;  // for Prepare and Execute
        bool binary = false;  // ask for results in binary format
    };
    // How to send `sql` now.
    Use use(const std::string& sql);
    // The server's answer to the Prepare of `name`, and whether its results
    // can be read in binary format.
    void prepared(const std::string& sql, const std::string& name, bool ok, bool binary);
    // Forgets `sql` (its plan went stale: the server said so).
    void forget(const std::string& sql);
    // Names pushed out since the last call, to DEALLOCATE.
    std::vector<std::string> evicted() { return std::move(evicted_); }

    std::size_t size() const noexcept { return entries_.size(); }

private:
    struct Entry {
        std::string sql;
        std::string name;
        bool ready = false;
        bool binary = false;
    };
    std::size_t capacity_;
    std::uint64_t next_id_ = 0;
    std::list<Entry> entries_;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> by_sql_;
    std::vector<std::string> evicted_;
};

}  // namespace agentio::db::pg::detail
