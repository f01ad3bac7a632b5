#!/usr/bin/python3
"""Runs the core benchmarks side by side and writes docs/BENCHMARKS.md.

For each workload: agentio (bench/core_workloads.cpp), asyncio and uvloop
(bench/compare/core_twins.py), each in its own fresh process, one after the
other in this one run; then the Google Benchmark micro benches. Prints the
table and writes it, with the command and the machine, to --out.

    /usr/bin/python3 bench/compare/run_core.py --bin build/release/bin --out docs/BENCHMARKS.md
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TWINS = os.path.join(HERE, "core_twins.py")

# workload -> (what is compared, the key of the JSON line, unit, target, describe)
WORKLOADS = [
    ("spawn_gather", "spawn + gather 200,000 tasks that each sleep(0)", "warm_ns", "ns/task", 100),
    ("spawn_gather_batched", "the same 200,000 tasks in gathers of 2,000 (in cache)", "warm_ns", "ns/task", None),
    ("sleeps", "200,000 concurrent 200 ms sleeps (wall)", "cold_s", "s", 0.30),
    ("pingpong", "ping-pong of 200,000 messages over two bounded queues", "warm_ns", "ns/round trip", 150),
    ("semaphore", "100,000 calls of 10 ms under Semaphore(1000) (floor 1.0 s)", "cold_s", "s", 1.1),
]
RSS_TARGET_MIB = {"sleeps": 64}


def run_json(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=600).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_median(cmd, runs):
    """Runs `cmd` `runs` times (fresh processes); the median of every figure.

    A 2-vCPU VM swings by up to 2x between runs of the same binary, so one run
    is not a measurement."""
    samples = [run_json(cmd) for _ in range(runs)]
    merged = dict(samples[0])
    for key, value in samples[0].items():
        if isinstance(value, float):
            merged[key] = statistics.median(s[key] for s in samples)
    merged["runs"] = runs
    return merged


def fmt(value, unit):
    if unit == "s":
        return f"{value:.3f} s"
    if value >= 1000:
        return f"{value / 1000:.2f} us"
    return f"{value:.0f} ns"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory with core_workloads and core_micro")
    ap.add_argument("--out", required=True)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--quick", action="store_true", help="smaller N (a smoke run, not for the record)")
    args = ap.parse_args()

    rows, results = [], {}
    for name, what, key, unit, target in WORKLOADS:
        extra = ["--n", "20000"] if args.quick else []
        r = {
            "agentio": run_median([os.path.join(args.bin, "core_workloads"), "--workload", name] + extra, 5),
            "asyncio": run_median([args.python, TWINS, "--loop", "asyncio", "--workload", name] + extra, 3),
            "uvloop": run_median([args.python, TWINS, "--loop", "uvloop", "--workload", name] + extra, 3),
        }
        results[name] = r
        ours = r["agentio"][key]
        met = target is None or (ours <= target and r["agentio"]["peak_rss_mib"] <= RSS_TARGET_MIB.get(name, float("inf")))
        rows.append((name, what, key, unit, target, r, met))
        print(f"{name:13} agentio {fmt(ours, unit):>10}  asyncio {fmt(r['asyncio'][key], unit):>10}  "
              f"uvloop {fmt(r['uvloop'][key], unit):>10}  x{r['asyncio'][key] / ours:.1f} vs asyncio, "
              f"x{r['uvloop'][key] / ours:.1f} vs uvloop  target {fmt(target, unit) if target else '-'}: "
              f"{'met' if met else 'NOT met'}",
              flush=True)

    micro = subprocess.run([os.path.join(args.bin, "core_micro"), "--benchmark_min_time=0.2"], check=True,
                           capture_output=True, text=True, timeout=600).stdout

    lines = [
        "# Benchmarks",
        "",
        "Produced by `./dev bench` (which runs "
        "`/usr/bin/python3 bench/compare/run_core.py --bin build/release/bin --out docs/BENCHMARKS.md`), "
        "every row measured side by side in one run on one machine. Each figure is the median of 5 fresh "
        "processes for agentio and 3 for each Python twin (this 2-vCPU VM swings by up to 2x between runs of the "
        "same binary). Each process runs its workload twice in one loop: *cold* is the first round (a new process touching fresh pages), *warm* the "
        "second (steady state, as in a long-running agent). Ratios are asyncio's or uvloop's figure divided by "
        "agentio's. The workloads are `bench/core_workloads.cpp` and their twins `bench/compare/core_twins.py` "
        "(spawn_gather: agentio gathers a vector of 200,000 `Task`s, each run as its own scheduled task; "
        "Python creates 200,000 tasks with `create_task` and gathers them).",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()} (Debian), asyncio and python3-uvloop",
        "",
        "## Core workloads",
        "",
        "| workload | metric | agentio | asyncio | uvloop | vs asyncio | vs uvloop | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, what, key, unit, target, r, met in rows:
        lines.append(
            f"| {what} | {key.replace('_', ' ')} | {fmt(r['agentio'][key], unit)} | {fmt(r['asyncio'][key], unit)} | "
            f"{fmt(r['uvloop'][key], unit)} | x{r['asyncio'][key] / r['agentio'][key]:.1f} | "
            f"x{r['uvloop'][key] / r['agentio'][key]:.1f} | "
            f"{'<= ' + fmt(target, unit) if target else '-'} | {'yes' if met and target else ('-' if not target else 'no')} |")
    lines += ["", "All figures of the same run:", "",
              "| workload | runtime | cold | warm | cold per item | warm per item | peak RSS |",
              "|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        for runtime in ("agentio", "asyncio", "uvloop"):
            x = r[runtime]
            lines.append(f"| {name} | {runtime} | {x['cold_s']:.3f} s | {x['warm_s']:.3f} s | "
                         f"{fmt(x['cold_ns'], 'ns')} | {fmt(x['warm_ns'], 'ns')} | {x['peak_rss_mib']:.1f} MiB |")
    lines += ["", "Peak RSS is read after the first round. Targets for RSS: sleeps <= 64 MiB.", "",
              "## Micro benches (Google Benchmark, `build/release/bin/core_micro`)", "", "```",
              micro.strip(), "```", ""]
    if args.quick:
        lines.insert(2, "**Quick smoke run (N = 20,000): not the recorded figures.**\n")
    text = "\n".join(lines)
    # run_http.py, run_llm.py and run_batch.py write their sections into the same file: keep them.
    old = open(args.out).read() if os.path.exists(args.out) else ""
    for name in ("http", "llm", "batch"):
        begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
        if begin in old and end in old:
            text = text.rstrip("\n") + "\n\n" + old[old.index(begin):old.index(end) + len(end)] + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    print(micro)
    print(f"written to {args.out}")


if __name__ == "__main__":
    sys.exit(main())
