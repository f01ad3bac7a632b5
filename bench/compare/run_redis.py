#!/usr/bin/python3
"""Runs the Redis benchmark and writes its section of docs/BENCHMARKS.md.

One redis-server (pinned to CPU 1, no persistence) and three clients on CPU 0,
taking turns: agentio's redis::Client (bench/redis_load.cpp: --tasks tasks
sharing one auto-pipelined connection, each issuing its commands one after
another), redis-py's asyncio client (bench/compare/redis_twin.py, the same
workload; fewer commands, it is slow) and redis-benchmark -P 16 -c 50 (the C
reference, explicit pipelines of 16). SET, then GET, of 16-byte values over
10,000 keys. Median of --rounds rounds; the server's CPU per command beside
each client's.

    /usr/bin/python3 bench/compare/run_redis.py --bin build/release/bin --out docs/BENCHMARKS.md
"""
import argparse
import datetime
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_http import (Pinning, Server, children_cpu_seconds, free_port, loadavg, machine, run_json,  # noqa: E402
                      timed, tool_version, tree_cpu_seconds, write_section)

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- redis:begin -->", "<!-- redis:end -->"


def redis_benchmark(pinning, port, kind, ops, server_pid):
    cmd = ["redis-benchmark", "-p", str(port), "-t", kind, "-n", str(ops), "-P", "16", "-c", "50", "--csv", "-r", "10000",
           "-d", "16"]
    cpu0, server0 = children_cpu_seconds(), tree_cpu_seconds(server_pid)
    started = time.monotonic()
    out = subprocess.run(pinning.load(cmd), check=True, capture_output=True, text=True, timeout=600).stdout
    seconds = time.monotonic() - started
    m = re.search(rf'"{kind.upper()}","([\d.]+)"', out)
    if not m:
        raise RuntimeError(f"redis-benchmark printed no {kind.upper()} line: {out[-500:]}")
    return {"ops": ops, "ops_per_s": float(m.group(1)), "seconds": seconds,
            "process_cpu_seconds": children_cpu_seconds() - cpu0, "server_cpu_seconds": tree_cpu_seconds(server_pid) - server0}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default="build/release/bin")
    parser.add_argument("--out", default="docs/BENCHMARKS.md")
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--py-ops", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    pinning = Pinning(not args.no_pin)
    started = time.monotonic()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = loadavg()
    samples = {}
    with tempfile.TemporaryDirectory(prefix="agentio-redis-bench-") as tmp:
        port = free_port()
        cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", tmp, "--daemonize", "no"]
        with Server("redis-server", pinning.server(cmd), tmp, port=port) as server:
            pid = server.proc.pid
            for round_ in range(args.rounds):
                for kind in ("set", "get"):
                    print(f"round {round_ + 1}/{args.rounds}: {kind} ...", file=sys.stderr)
                    ours = [os.path.join(args.bin, "redis_load"), "--port", str(port), "--ops", str(args.ops),
                            "--tasks", str(args.tasks), "--kind", kind]
                    theirs = ["/usr/bin/python3", os.path.join(HERE, "redis_twin.py"), "--port", str(port), "--ops",
                              str(args.py_ops), "--tasks", str(args.tasks), "--kind", kind]
                    samples.setdefault(("agentio", kind), []).append(timed(pinning.load(ours), pid))
                    samples.setdefault(("redis-py", kind), []).append(timed(pinning.load(theirs), pid))
                    samples.setdefault(("redis-benchmark", kind), []).append(
                        redis_benchmark(pinning, port, kind, args.ops, pid))
    section = render(args, date, load_before, loadavg(), time.monotonic() - started, samples, pinning)
    write_section(args.out, section, BEGIN, END)
    print(section)
    print(f"written to {args.out}", file=sys.stderr)


def render(args, date, load_before, load_after, elapsed, samples, pinning):
    def median(name, kind, key):
        return statistics.median(s[key] for s in samples[(name, kind)])

    def per_op_us(name, kind, key):
        return statistics.median(1e6 * s[key] / s["ops"] for s in samples[(name, kind)])

    redis_version = tool_version(["redis-server", "--version"], r"v=([\d.]+)")
    py_version = tool_version(["/usr/bin/python3", "-c", "import redis; print(redis.__version__)"], r"([\d.]+)")
    lines = ["## Redis: agentio vs redis-py (asyncio) vs redis-benchmark", "",
             f"Recorded {date} on {machine()}; load average {load_before} before, {load_after} after; "
             f"{elapsed:.0f} s in all. Command: `./dev bench` (this section: `/usr/bin/python3 bench/compare/run_redis.py "
             f"--bin build/release/bin --out docs/BENCHMARKS.md`).", "",
             f"One redis-server {redis_version} (no persistence) and one client at a time: agentio's `redis::Client` "
             f"(`bench/redis_load.cpp`: {args.tasks} tasks sharing one client, each issuing its commands one after "
             f"another; the client batches them), redis-py {py_version} asyncio on uvloop (`bench/compare/redis_twin.py`, "
             f"the same workload, {args.py_ops:,} commands since it is slow), and `redis-benchmark -P 16 -c 50` "
             f"(explicit pipelines of 16 on 50 connections). {args.ops:,} commands each for agentio and redis-benchmark, "
             f"16-byte values over 10,000 keys. Median of {args.rounds} rounds, clients taking turns; "
             f"{'clients on CPU 0, the server on CPU 1' if pinning.enabled else 'no CPU pinning'}. "
             "CPU per command: the client process's user + system time (start-up included) and the server's, "
             "divided by the commands.", "",
             "| client | command | commands/s | client CPU per command | server CPU per command |",
             "|---|---|---|---|---|"]
    for kind in ("set", "get"):
        for name in ("agentio", "redis-py", "redis-benchmark"):
            lines.append(f"| {name} | {kind.upper()} | {median(name, kind, 'ops_per_s'):,.0f} | "
                         f"{per_op_us(name, kind, 'process_cpu_seconds'):.2f} us | "
                         f"{per_op_us(name, kind, 'server_cpu_seconds'):.2f} us |")
    lines.append("")
    for kind in ("set", "get"):
        ours = median("agentio", kind, "ops_per_s")
        py = median("redis-py", kind, "ops_per_s")
        bench = median("redis-benchmark", kind, "ops_per_s")
        lines.append(f"**{kind.upper()}: agentio / redis-py = x{ours / py:.1f}** (target >= x10: "
                     f"{'met' if ours >= 10 * py else 'NOT met'}); agentio / redis-benchmark -P 16 = x{ours / bench:.2f} "
                     f"(target >= x0.7: {'met' if ours >= 0.7 * bench else 'NOT met'}).")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
