#!/usr/bin/python3
"""The asyncpg side of the PostgreSQL benchmark: the workload of bench/pg_load.cpp
in asyncpg (Debian python3-asyncpg), on uvloop when present.

    pg_twin.py --url postgresql://agentio@127.0.0.1:5432/postgres --ops 100000 --tasks 64 --batch 1 --connections 8

`tasks` tasks share an asyncpg pool of `connections` connections (asyncpg
runs one query at a time per connection, so concurrency needs a pool); each
task runs its share of `select $1::int` in turns of `batch` queries on one
borrowed connection, one after another: asyncpg has no pipeline for queries.
`--workload embeddings`: each query reads one row's float4[] embedding
(`select embedding from embeddings where id = $1`, ids 1 to --rows) into a
list of floats, as asyncpg always does, in binary format.
Every answer is checked. Prints one JSON line like pg_load's.
"""
import argparse
import asyncio
import json
import resource
import time

import asyncpg


async def worker(pool, first, count, batch):
    for i in range(first, first + count, batch):
        async with pool.acquire() as con:
            for j in range(i, i + batch):
                if await con.fetchval("select $1::int", j) != j:
                    raise RuntimeError("a wrong answer")


EMBEDDING_QUERY = "select embedding from embeddings where id = $1"
DIMENSIONS = 1536


async def embedding_worker(pool, first, count, rows):
    for i in range(first, first + count):
        async with pool.acquire() as con:
            if len(await con.fetchval(EMBEDDING_QUERY, i % rows + 1)) != DIMENSIONS:
                raise RuntimeError("a wrong answer")


async def load(url, ops, tasks, batch, connections, workload, rows):
    pool = await asyncpg.create_pool(url, min_size=connections, max_size=connections)
    each = ops // tasks // batch * batch
    start = time.monotonic()
    if workload == "embeddings":
        await asyncio.gather(*(embedding_worker(pool, t * each, each, rows) for t in range(tasks)))
    else:
        await asyncio.gather(*(worker(pool, t * each, each, batch) for t in range(tasks)))
    seconds = time.monotonic() - start
    await pool.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    done = each * tasks
    print(json.dumps({"ops": done, "seconds": round(seconds, 4), "ops_per_s": round(done / seconds),
                      "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=64)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workload", choices=("select", "embeddings"), default="select")
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(load(args.url, args.ops, args.tasks, args.batch, args.connections, args.workload, args.rows))


if __name__ == "__main__":
    main()
