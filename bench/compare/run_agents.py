#!/usr/bin/python3
"""Runs the agent benchmark and writes its section of docs/BENCHMARKS.md.

The same workload in agentio (bench/agent_runs.cpp) and in the OpenAI Agents
SDK for JS, @openai/agents (bench/compare/agents/agents_twin.mjs), both
against one `agentio sim` process scripted by bench/compare/agents/script.jsonl:
--runs concurrent agent runs, each three turns of two parallel tool calls
(tools that sleep 50 ms) and a final answer, so four model calls of --ttft-ms
each. The floor is the critical path: 4 x ttft + 3 x 50 ms. Then agentio alone
with --many concurrent runs, for memory. The clients take turns, --rounds
times; the simulator runs on CPU 1 and the clients on CPU 0.

    /usr/bin/python3 bench/compare/run_agents.py --bin build/release/bin --out docs/BENCHMARKS.md
"""
import argparse
import datetime
import os
import resource
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_http import (Pinning, Server, children_cpu_seconds, free_port, loadavg, machine, run_json,  # noqa: E402
                      tool_version, write_section)

HERE = os.path.dirname(os.path.abspath(__file__))
AGENTS = os.path.join(HERE, "agents")
BEGIN, END = "<!-- agents:begin -->", "<!-- agents:end -->"


def measure(cmd, timeout):
    """The program's JSON line, with the CPU seconds of the whole process
    (start-up included, the same way for both) measured from outside."""
    before = children_cpu_seconds()
    sample = run_json(cmd, timeout=timeout)
    sample["process_cpu_seconds"] = children_cpu_seconds() - before
    if sample["failed"]:
        raise RuntimeError(f"{' '.join(cmd)}: {sample['failed']} of {sample['runs']} runs failed")
    return sample


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default="build/release/bin")
    parser.add_argument("--out", default="docs/BENCHMARKS.md")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--many", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ttft-ms", type=int, default=200)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # one socket per run on each side
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    pinning = Pinning(not args.no_pin)
    started = time.monotonic()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = loadavg()
    samples = {"agentio": [], "openai-agents": []}
    with tempfile.TemporaryDirectory(prefix="agentio-agents-bench-") as tmp:
        port = free_port()
        sim = [os.path.join(args.bin, "agentio"), "sim", "--port", str(port), "--ttft-ms", str(args.ttft_ms),
               "--itl-ms", "0", "--spread", "0", "--script", os.path.join(AGENTS, "script.jsonl")]
        with Server("agentio-sim", pinning.server(sim), tmp, port=port) as server:
            url = f"http://127.0.0.1:{server.port}/v1"
            ours = [os.path.join(args.bin, "agent_runs"), "--url", url, "--runs", str(args.runs)]
            theirs = ["node", os.path.join(AGENTS, "agents_twin.mjs"), url, str(args.runs)]
            for round_ in range(args.rounds):
                print(f"round {round_ + 1}/{args.rounds}: {args.runs} runs each ...", file=sys.stderr)
                samples["agentio"].append(measure(pinning.load(ours), 600))
                samples["openai-agents"].append(measure(pinning.load(theirs), 1200))
            print(f"agentio alone: {args.many} runs ...", file=sys.stderr)
            many = measure(pinning.load([os.path.join(args.bin, "agent_runs"), "--url", url, "--runs", str(args.many)]), 1200)
    section = render(args, date, load_before, loadavg(), time.monotonic() - started, samples, many, pinning)
    write_section(args.out, section, BEGIN, END)
    print(section)
    print(f"written to {args.out}", file=sys.stderr)


def render(args, date, load_before, load_after, elapsed, samples, many, pinning):
    floor = 4 * args.ttft_ms / 1000 + 3 * 0.050
    med = {name: {key: statistics.median(s[key] for s in runs) for key in ("seconds", "process_cpu_seconds", "peak_rss_mib")}
           for name, runs in samples.items()}
    ours, theirs = med["agentio"], med["openai-agents"]
    cpu_ratio = theirs["process_cpu_seconds"] / ours["process_cpu_seconds"]
    wall_ok = ours["seconds"] <= floor * 1.05
    node_version = tool_version(["node", "--version"], r"v(\S+)")
    rows = []
    for name, label in (("agentio", "agentio `agent::run`"), ("openai-agents", f"@openai/agents 0.20.0 (Node {node_version})")):
        m = med[name]
        rows.append(f"| {label} | {m['seconds']:.3f} s | x{m['seconds'] / floor:.3f} | "
                    + ", ".join(f"{s['seconds']:.3f}" for s in samples[name])
                    + f" | {m['process_cpu_seconds']:.2f} s | {1e3 * m['process_cpu_seconds'] / args.runs:.2f} ms "
                    f"| {m['peak_rss_mib']:.0f} MiB |")
    lines = ["## Agent runs: agentio vs the OpenAI Agents SDK (JS)", "",
             f"Recorded {date} on {machine()}; load average {load_before} before, {load_after} after; {elapsed:.0f} s in all. "
             "Command: `./dev bench` (this section: `/usr/bin/python3 bench/compare/run_agents.py --bin build/release/bin "
             "--out docs/BENCHMARKS.md`).", "",
             f"{args.runs:,} concurrent agent runs from one process, each three turns of two parallel tool calls (tools "
             "that sleep 50 ms) and a final answer: four model calls, six tool calls. Both clients run against one "
             f"`agentio sim` (--ttft-ms {args.ttft_ms}, no spread) scripted by `bench/compare/agents/script.jsonl`; "
             f"agentio: `bench/agent_runs.cpp`, the SDK: `bench/compare/agents/agents_twin.mjs` (Chat Completions, "
             f"tracing off). The floor is the critical path of one run: 4 x {args.ttft_ms} ms + 3 x 50 ms = "
             f"{floor:.3f} s. CPU is the whole client process's user + system time (start-up included), peak RSS "
             f"its maximum resident set. Median of {args.rounds} rounds, the clients taking turns; "
             f"{'clients on CPU 0, the simulator on CPU 1' if pinning.enabled else 'no CPU pinning'}.", "",
             "| client | wall (median) | / floor | rounds | CPU | CPU per run | peak RSS |", "|---|---|---|---|---|---|---|",
             *rows, "",
             f"**CPU: @openai/agents / agentio = x{cpu_ratio:.1f}** (target >= x10: {'met' if cpu_ratio >= 10 else 'NOT met'}); "
             f"agentio's wall is x{ours['seconds'] / floor:.3f} the floor (target <= x1.05: {'met' if wall_ok else 'NOT met'}).", "",
             f"{many['runs']:,} concurrent runs in one agentio process: wall {many['seconds']:.2f} s "
             f"(x{many['seconds'] / floor:.2f} the floor), CPU {many['process_cpu_seconds']:.2f} s, peak RSS "
             f"{many['peak_rss_mib']:.0f} MiB (target < 1 GiB: {'met' if many['peak_rss_mib'] < 1024 else 'NOT met'}).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
