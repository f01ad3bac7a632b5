// pipeline.hpp: pg::Pipeline, queries a task sends together as one unit.
//
// compile-context: extern Connection db; struct Item { std::int64_t id; std::string name; }; extern std::vector<Item> items;
//     pg::Pipeline batch;
//     for (const Item& item : items) batch.add("insert into items (id, name) values ($1, $2)", item.id, item.name);
//     batch.add("select count(*) from items");
//     std::vector<pg::Rows> results = co_await db.pipeline(std::move(batch));   // one round trip
//
// The queries go out at once and end with one Sync (pgbench's
// \startpipeline ... \endpipeline), so the server runs them as one implicit
// transaction: they take effect together or not at all. If one fails, the
// server skips the rest: pipeline() throws that query's PgError (its detail
// says which query of how many), and nothing of the pipeline is kept.
// Separate awaits of db.query(), by contrast, are each their own segment:
// one failing leaves the others alone. Inside a transaction scope a pipeline
// is part of the transaction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agentio/db/pg/params.hpp"

namespace agentio::db::pg {

class Pipeline {
public:
    struct Query {
        std::string sql;
        std::vector<Param> params;
    };

    template <class... Args>
    Pipeline& add(std::string_view sql, const Args&... args) {
        queries_.push_back(Query{std::string(sql), std::vector<Param>{to_param(args)...}});
        return *this;
    }
    Pipeline& add_params(std::string sql, std::vector<Param> params) {
        queries_.push_back(Query{std::move(sql), std::move(params)});
        return *this;
    }

    std::size_t size() const noexcept { return queries_.size(); }
    bool empty() const noexcept { return queries_.empty(); }
    const std::vector<Query>& queries() const noexcept { return queries_; }

private:
    std::vector<Query> queries_;
};

}  // namespace agentio::db::pg
