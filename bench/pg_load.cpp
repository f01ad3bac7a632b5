// pg_load: the agentio side of the PostgreSQL benchmark (bench/compare/run_postgres.py).
//
//     pg_load --url postgresql://agentio@127.0.0.1:5432/postgres --ops 100000 --tasks 64 --batch 1 --connections 1
//     pg_load --url ... --ops 20000 --workload embeddings [--text]
//
// `tasks` tasks share `connections` pg::Connections (task t uses connection
// t % connections); each runs its share of the `ops` queries `select $1::int`
// in turns of `batch`: one query awaited at a time, or `batch` queries as one
// pg::Pipeline (one round trip, one Sync, as pgbench's \startpipeline).
// `--workload embeddings`: each query reads one row's float4[] embedding
// from the table `embeddings (id int, embedding float4[])` (ids 1 to
// --rows) into a std::vector<float>, in binary format (the default) or, with
// --text, in text. Every answer is checked. Prints one JSON line: ops,
// seconds, ops_per_s, cpu_seconds (this process).
#include <agentio/agentio.hpp>
#include <agentio/db/pg/connection.hpp>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

using namespace agentio;
namespace pg = agentio::db::pg;

namespace {

void check(const pg::Rows& rows, int expected) {
    if (rows.size() != 1 || rows[0].get<int>(0) != expected) throw std::runtime_error("a wrong answer");
}

Task<> worker(pg::Connection& db, int first, int count, int batch) {
    for (int i = first; i < first + count; i += batch) {
        if (batch == 1) {
            const pg::Rows rows = co_await db.query("select $1::int", i);
            check(rows, i);
            continue;
        }
        pg::Pipeline queries;
        for (int j = i; j < i + batch; ++j) queries.add("select $1::int", j);
        const std::vector<pg::Rows> answers = co_await db.pipeline(std::move(queries));
        for (int j = 0; j < batch; ++j) check(answers[static_cast<std::size_t>(j)], i + j);
    }
}

constexpr const char* kEmbeddingQuery = "select embedding from embeddings where id = $1";
constexpr std::size_t kDimensions = 1536;

Task<> embedding_worker(pg::Connection& db, int first, int count, int rows) {
    for (int i = first; i < first + count; ++i) {
        const pg::Rows answer = co_await db.query(kEmbeddingQuery, i % rows + 1);
        if (answer.size() != 1 || answer[0].get<std::vector<float>>(0).size() != kDimensions)
            throw std::runtime_error("a wrong answer");
    }
}

struct Workload {
    bool embeddings = false;
    bool text = false;
    int rows = 1000;
};

Task<int> load(std::string url, int ops, int tasks, int batch, int connections, Workload workload) {
    std::vector<pg::Connection> pool;
    for (int c = 0; c < connections; ++c)
        pool.push_back(co_await pg::Connection::connect(url, {.binary_results = !workload.text}));
    // Connected, and the statement prepared and described, before the clock starts.
    for (pg::Connection& db : pool)
        for (int run = 0; run < 2; ++run) {
            if (workload.embeddings) co_await db.query(kEmbeddingQuery, 1);
            else co_await db.query("select $1::int", 1);
        }
    const auto start = std::chrono::steady_clock::now();
    std::vector<Task<>> workers;
    const int each = ops / tasks / batch * batch;
    for (int t = 0; t < tasks; ++t) {
        pg::Connection& db = pool[static_cast<std::size_t>(t % connections)];
        if (workload.embeddings) workers.push_back(embedding_worker(db, t * each, each, workload.rows));
        else workers.push_back(worker(db, t * each, each, batch));
    }
    co_await gather(std::move(workers));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    const int done = each * tasks;
    std::printf("{\"ops\": %d, \"seconds\": %.4f, \"ops_per_s\": %.0f, \"cpu_seconds\": %.3f}\n", done, seconds,
                done / seconds, cpu);
    co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string url;
    int ops = 100000, tasks = 64, batch = 1, connections = 1;
    Workload workload;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--text") {
            workload.text = true;
            continue;
        }
        if (i + 1 == argc) break;
        if (flag == "--url") url = argv[i + 1];
        else if (flag == "--ops") ops = std::atoi(argv[i + 1]);
        else if (flag == "--tasks") tasks = std::atoi(argv[i + 1]);
        else if (flag == "--batch") batch = std::atoi(argv[i + 1]);
        else if (flag == "--connections") connections = std::atoi(argv[i + 1]);
        else if (flag == "--rows") workload.rows = std::atoi(argv[i + 1]);
        else if (flag == "--workload") workload.embeddings = std::string(argv[i + 1]) == "embeddings";
        ++i;
    }
    if (url.empty() || ops < 1 || tasks < 1 || batch < 1 || connections < 1 || ops / tasks < batch || workload.rows < 1) {
        std::fprintf(stderr,
                     "usage: pg_load --url URL [--ops N] [--tasks T] [--batch B] [--connections C] "
                     "[--workload select|embeddings] [--rows R] [--text]\n");
        return 2;
    }
    try {
        return run(load(url, ops, tasks, batch, connections, workload));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pg_load: %s\n", e.what());
        return 1;
    }
}
