// errors.hpp: what the PostgreSQL client throws.
//
// - PgError: the server refused a query (a syntax error, a constraint, a
//   cancelled statement): SQLSTATE, the server's message, detail and hint,
//   and the query. The connection stays usable.
// - net::ConnectionError: the connection could not be made or broke (every
//   query waiting on it gets it, naming the server); TimeoutError for the
//   connect timeout.
// - ValueError: a value that does not convert (a NULL read as a plain int,
//   text that is not a number), naming the column.
#pragma once

#include <string>

#include "agentio/core/errors.hpp"

namespace agentio::db::pg {

class PgError : public Error {
public:
    struct Fields {
        std::string sqlstate;  // "42P01", "23505", "57014" (cancelled), ...
        std::string message;
        std::string detail;
        std::string hint;
        std::string query;
    };
    explicit PgError(Fields fields);
    const std::string& sqlstate() const noexcept { return fields_.sqlstate; }
    const std::string& message() const noexcept { return fields_.message; }
    const std::string& detail() const noexcept { return fields_.detail; }
    const std::string& hint() const noexcept { return fields_.hint; }
    const std::string& query() const noexcept { return fields_.query; }

private:
    Fields fields_;
};

class ValueError : public Error {
public:
    using Error::Error;
};

}  // namespace agentio::db::pg
