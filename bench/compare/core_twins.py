#!/usr/bin/python3
"""Python twins of the core benchmarks run by `./dev bench`.

Runs ONE workload once in a fresh event loop (asyncio or uvloop) and prints a
single JSON line to stdout:
  {"workload", "loop", "n", "wall_s", "per_item_ns", "peak_rss_mib"}

Usage:
  /usr/bin/python3 bench/compare/core_twins.py --loop asyncio|uvloop \
      --workload spawn_gather|sleeps|pingpong|semaphore [--n N]

wall_s covers the workload only (time.perf_counter), not interpreter start.
per_item_ns = wall_s * 1e9 / N (per task, or per round trip for pingpong).
"""
import argparse
import asyncio
import json
import resource
import time


async def spawn_gather(n):
    # Create N tasks that each yield once, then gather them.
    async def job():
        await asyncio.sleep(0)

    await asyncio.gather(*[asyncio.create_task(job()) for _ in range(n)])


async def sleeps(n):
    # N concurrent tasks each sleeping 200 ms; wall includes spawning.
    async def job():
        await asyncio.sleep(0.2)

    await asyncio.gather(*[asyncio.create_task(job()) for _ in range(n)])


async def pingpong(n):
    # N round trips through two bounded (maxsize=1) queues.
    q1, q2 = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)

    async def ponger():
        for _ in range(n):
            x = await q1.get()
            await q2.put(x)

    pong = asyncio.create_task(ponger())
    for i in range(n):
        await q1.put(i)
        await q2.get()
    await pong


async def semaphore(n):
    # N tasks contending for 1000 permits, each holding one for 10 ms
    # (floor: n / 1000 * 10 ms, i.e. 1.0 s at the default N).
    sem = asyncio.Semaphore(1000)

    async def job():
        async with sem:
            await asyncio.sleep(0.01)

    await asyncio.gather(*[asyncio.create_task(job()) for _ in range(n)])


WORKLOADS = {
    "spawn_gather": (spawn_gather, 200_000),
    "sleeps": (sleeps, 200_000),
    "pingpong": (pingpong, 200_000),
    "semaphore": (semaphore, 100_000),
}


async def timed(fn, n):
    t0 = time.perf_counter()
    await fn(n)
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loop", choices=("asyncio", "uvloop"), required=True)
    ap.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
    ap.add_argument("--n", type=int, default=None)
    args = ap.parse_args()

    fn, default_n = WORKLOADS[args.workload]
    n = args.n if args.n is not None else default_n
    if n <= 0:
        ap.error("--n must be positive")

    if args.loop == "uvloop":
        import uvloop
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            wall = runner.run(timed(fn, n))
    else:
        wall = asyncio.run(timed(fn, n))

    print(json.dumps({
        "workload": args.workload,
        "loop": args.loop,
        "n": n,
        "wall_s": wall,
        "per_item_ns": wall * 1e9 / n,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
