#!/usr/bin/python3
"""The redis-py side of the Redis benchmark: the workload of bench/redis_load.cpp
in redis-py's asyncio client (Debian python3-redis), on uvloop when present.

    redis_twin.py --port 6379 --ops 1000000 --tasks 256 --kind set

`tasks` tasks share one redis.asyncio.Redis (its connection pool gives each
concurrent command a connection); each issues its share of the commands one
after another. Prints one JSON line like redis_load's.
"""
import argparse
import asyncio
import json
import resource
import time

import redis.asyncio as aioredis


async def worker(r, set_, first, count):
    value = "v" * 16
    for i in range(first, first + count):
        key = f"bench:{i % 10000}"
        if set_:
            await r.set(key, value)
        else:
            await r.get(key)


async def load(port, ops, tasks, set_):
    r = aioredis.Redis(host="127.0.0.1", port=port)
    await r.ping()
    each = ops // tasks
    start = time.monotonic()
    await asyncio.gather(*(worker(r, set_, t * each, each) for t in range(tasks)))
    seconds = time.monotonic() - start
    await r.aclose() if hasattr(r, "aclose") else await r.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    done = each * tasks
    print(json.dumps({"ops": done, "seconds": round(seconds, 4), "ops_per_s": round(done / seconds),
                      "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=256)
    parser.add_argument("--kind", choices=["set", "get"], default="set")
    args = parser.parse_args()
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(load(args.port, args.ops, args.tasks, args.kind == "set"))


if __name__ == "__main__":
    main()
