#!/usr/bin/python3
"""Python twins of the core benchmarks run by `./dev bench`.

Runs ONE workload once in a fresh event loop (asyncio or uvloop) and prints a
single JSON line to stdout:
  {"workload", "loop", "n", "cold_s", "warm_s", "cold_ns", "warm_ns", "peak_rss_mib",
   "bytes_per_task", "faults_per_task"}

Usage:
  /usr/bin/python3 bench/compare/core_twins.py --loop asyncio|uvloop \
      --workload spawn_gather|spawn_gather_batched|sleeps|pingpong|semaphore [--n N]

The workload runs twice in one loop: cold_s is the first round, warm_s the
second (steady state); each covers the workload only, not interpreter start.
*_ns = seconds * 1e9 / N (per task, or per round trip for pingpong).
bytes_per_task is the growth of the resident set over the first round (peak
after it minus resident before it) / N, faults_per_task its minor page faults
/ N: counted as bench/core_workloads.cpp counts them.
"""
import argparse
import asyncio
import json
import os
import resource
import time


async def spawn_gather(n):
    # Create N tasks that each yield once, then gather them.
    async def job():
        await asyncio.sleep(0)

    await asyncio.gather(*[asyncio.create_task(job()) for _ in range(n)])


async def spawn_gather_batched(n):
    # The same N tasks in gathers of 2,000 (memory that stays in cache).
    async def job():
        await asyncio.sleep(0)

    for done in range(0, n, 2000):
        await asyncio.gather(*[asyncio.create_task(job()) for _ in range(min(2000, n - done))])


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
    "spawn_gather_batched": (spawn_gather_batched, 200_000),
    "sleeps": (sleeps, 200_000),
    "pingpong": (pingpong, 200_000),
    "semaphore": (semaphore, 100_000),
}


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_resident_bytes():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


async def timed(fn, n):
    # Two rounds in one loop, as the agentio side does: the first in a cold
    # process, the second in steady state. Peak RSS and the memory figures
    # are read around the first.
    rounds, memory = [], None
    for _ in range(2):
        if memory is None:
            resident = resident_bytes()
            faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        t0 = time.perf_counter()
        await fn(n)
        rounds.append(time.perf_counter() - t0)
        if memory is None:
            peak = peak_resident_bytes()
            memory = {"peak_rss_mib": peak / 2**20,
                      "bytes_per_task": (peak - resident) / n,
                      "faults_per_task": (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / n}
    return rounds, memory


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
            (cold, warm), memory = runner.run(timed(fn, n))
    else:
        (cold, warm), memory = asyncio.run(timed(fn, n))

    print(json.dumps({
        "workload": args.workload,
        "loop": args.loop,
        "n": n,
        "cold_s": cold,
        "warm_s": warm,
        "cold_ns": cold * 1e9 / n,
        "warm_ns": warm * 1e9 / n,
        **memory,
    }))


if __name__ == "__main__":
    main()
