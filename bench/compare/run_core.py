#!/usr/bin/python3
"""Runs the core benchmarks side by side and writes docs/BENCHMARKS.md.

For each workload: agentio (bench/core_workloads.cpp), asyncio and uvloop
(bench/compare/core_twins.py), each in its own fresh process, one after the
other in this one run; then the Google Benchmark micro benches. Prints the
table and writes it, with the command and the machine, to --out.

Per item, besides time: bytes (resident growth over the first round / N) and
minor page faults, counted the same way in every runtime; and for agentio's
per-item workloads what a fresh process pays: a process that runs the
workload once and exits, timed whole from outside, minus one that runs a
single item, over N (the "cold" round alone misses process start-up and the
teardown of the memory the items touched).

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
import time

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


def process_seconds(cmd):
    """Wall time of one whole process, exec to exit."""
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    return time.perf_counter() - start


def fresh_ns(binary, name, n, runs):
    """What n items add to a fresh process, exit included: a one-round process
    with n items minus one with a single item, over n; the median of `runs`
    such pairs."""
    base = [binary, "--workload", name, "--rounds", "1"]
    samples = []
    for _ in range(runs):
        full = process_seconds(base + ["--n", str(n)])
        single = process_seconds(base + ["--n", "1"])
        samples.append((full - single) * 1e9 / n)
    return statistics.median(samples)


def fmt(value, unit):
    if unit == "s":
        return f"{value:.3f} s"
    if value >= 1000:
        return f"{value / 1000:.2f} us"
    return f"{value:.0f} ns"


def per_item(x):
    """agentio's cold / warm / fresh-process time per item."""
    fresh = fmt(x["fresh_ns"], "ns") if "fresh_ns" in x else "-"
    return f"{fmt(x['cold_ns'], 'ns')} / {fmt(x['warm_ns'], 'ns')} / {fresh}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory with core_workloads and core_micro")
    ap.add_argument("--out", required=True)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--quick", action="store_true", help="smaller N (a smoke run, not for the record)")
    ap.add_argument("--only", action="append", choices=[w[0] for w in WORKLOADS],
                    help="run only this workload (repeatable; a check of the generator, not for the record)")
    args = ap.parse_args()
    load_before = os.getloadavg()

    rows, results = [], {}
    core_workloads = os.path.join(args.bin, "core_workloads")
    for name, what, key, unit, target in WORKLOADS:
        if args.only and name not in args.only:
            continue
        extra = ["--n", "20000"] if args.quick else []
        r = {
            "agentio": run_median([core_workloads, "--workload", name] + extra, 5),
            "asyncio": run_median([args.python, TWINS, "--loop", "asyncio", "--workload", name] + extra, 3),
            "uvloop": run_median([args.python, TWINS, "--loop", "uvloop", "--workload", name] + extra, 3),
        }
        if unit != "s":  # a per-item workload (the others are dominated by their sleeps)
            r["agentio"]["fresh_ns"] = fresh_ns(core_workloads, name, r["agentio"]["n"], 5)
        results[name] = r
        ours = r["agentio"][key]
        met = target is None or (ours <= target and r["agentio"]["peak_rss_mib"] <= RSS_TARGET_MIB.get(name, float("inf")))
        rows.append((name, what, key, unit, target, r, met))
        print(f"{name:13} agentio {fmt(ours, unit):>10}  asyncio {fmt(r['asyncio'][key], unit):>10}  "
              f"uvloop {fmt(r['uvloop'][key], unit):>10}  x{r['asyncio'][key] / ours:.1f} vs asyncio, "
              f"x{r['uvloop'][key] / ours:.1f} vs uvloop  target {fmt(target, unit) if target else '-'}: "
              f"{'met' if met else 'NOT met'}; agentio {per_item(r['agentio'])}, "
              f"{r['agentio']['bytes_per_task']:.0f} bytes/item",
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
        "second (steady state, as in a long-running agent). *Fresh* is what a new process pays in all: a process that "
        "runs the workload once and exits, timed from outside (start-up and exit included), minus one that runs a "
        "single item, over N (median of 5 such pairs). *Bytes* per item is the growth of the resident set over the "
        "first round (peak after it minus resident before it) over N, counted alike for every runtime; at 4 KiB a "
        "page, and 10-20 us a fresh page on this VM, it is what cold rounds pay for. "
        "Ratios are asyncio's or uvloop's figure divided by "
        "agentio's. The workloads are `bench/core_workloads.cpp` and their twins `bench/compare/core_twins.py` "
        "(spawn_gather: agentio gathers a vector of 200,000 `Task`s, each run as its own scheduled task; "
        "Python creates 200,000 tasks with `create_task` and gathers them).",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}",
        f"- Python {platform.python_version()} (Debian), asyncio and python3-uvloop",
        "- load average (1, 5, 15 min) before: " + " ".join(f"{x:.2f}" for x in load_before) + "; after: "
        + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (other work on this shared machine shows up here)",
        "",
        "## Core workloads",
        "",
        "| workload | metric | agentio | asyncio | uvloop | vs asyncio | vs uvloop | target | met "
        "| agentio per item: cold / warm / fresh | bytes per item: agentio / asyncio / uvloop |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, what, key, unit, target, r, met in rows:
        lines.append(
            f"| {what} | {key.replace('_', ' ')} | {fmt(r['agentio'][key], unit)} | {fmt(r['asyncio'][key], unit)} | "
            f"{fmt(r['uvloop'][key], unit)} | x{r['asyncio'][key] / r['agentio'][key]:.1f} | "
            f"x{r['uvloop'][key] / r['agentio'][key]:.1f} | "
            f"{'<= ' + fmt(target, unit) if target else '-'} | {'yes' if met and target else ('-' if not target else 'no')} | "
            f"{per_item(r['agentio'])} | "
            + " / ".join(f"{r[runtime]['bytes_per_task']:,.0f}" for runtime in ("agentio", "asyncio", "uvloop")) + " |")
    lines += ["", "All figures of the same run:", "",
              "| workload | runtime | cold | warm | cold per item | warm per item | fresh process per item "
              "| bytes per item | minor faults per item | peak RSS |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        for runtime in ("agentio", "asyncio", "uvloop"):
            x = r[runtime]
            fresh = fmt(x["fresh_ns"], "ns") if "fresh_ns" in x else "-"
            lines.append(f"| {name} | {runtime} | {x['cold_s']:.3f} s | {x['warm_s']:.3f} s | "
                         f"{fmt(x['cold_ns'], 'ns')} | {fmt(x['warm_ns'], 'ns')} | {fresh} | "
                         f"{x['bytes_per_task']:,.1f} | {x['faults_per_task']:.4f} | {x['peak_rss_mib']:.1f} MiB |")
    lines += ["", "Peak RSS is read after the first round. Targets for RSS: sleeps <= 64 MiB.", "",
              "## Micro benches (Google Benchmark, `build/release/bin/core_micro`)", "", "```",
              micro.strip(), "```", ""]
    if args.quick:
        lines.insert(2, "**Quick smoke run (N = 20,000): not the recorded figures.**\n")
    if args.only:
        lines.insert(2, f"**Partial run ({', '.join(args.only)} only): not the recorded figures.**\n")
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
