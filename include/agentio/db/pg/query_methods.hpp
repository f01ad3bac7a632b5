// query_methods.hpp: query() and execute() with C++ values as parameters,
// for each place queries go (Connection, Transaction, Pool): a class derives
// from QueryMethods<Itself> and defines query_params and execute_params.
//
// compile-context: extern Connection db; extern std::int64_t id;
//     pg::Rows rows = co_await db.query("select * from users where id = $1", id);
//     std::int64_t changed = co_await db.execute("delete from users where id = $1", id);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agentio/core/task.hpp"
#include "agentio/db/pg/params.hpp"
#include "agentio/db/pg/rows.hpp"

namespace agentio::db::pg {

template <class Derived>
class QueryMethods {
public:
    // The query's rows (or, for a command, its count in Rows::affected()).
    template <class... Args>
    Task<Rows> query(std::string_view sql, const Args&... args) {
        return self().query_params(std::string(sql), std::vector<Param>{to_param(args)...});
    }
    // A command's affected row count (INSERT, UPDATE, DELETE, ...).
    template <class... Args>
    Task<std::int64_t> execute(std::string_view sql, const Args&... args) {
        return self().execute_params(std::string(sql), std::vector<Param>{to_param(args)...});
    }

private:
    Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace agentio::db::pg
