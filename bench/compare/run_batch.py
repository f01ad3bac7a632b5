#!/usr/bin/env python3
"""The batch benchmark of docs/BENCHMARKS.md (`./dev bench` runs it).

  throughput  10,000 requests against `agentio sim` (0.3 s to first token,
              50 tokens 10 ms apart, no spread) with --concurrency 1000:
              wall time against the floor (requests x one request's latency /
              concurrency) and CPU seconds per 1,000 requests, for
              `agentio batch` and for a Python asyncio + aiohttp twin of the
              cookbook parallel processor on the same file and simulator.
  rate        `agentio batch --rpm 6000` against the simulator limited to
              6,000 RPM: the rate achieved once the first minute's bucket is
              spent (from the output file's growth), and the simulator's 429s.

usage: run_batch.py --bin build/release/bin --out docs/BENCHMARKS.md [--only throughput|rate]
"""
import argparse
import datetime
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_http import Server, free_port, loadavg, machine, write_section  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- batch:begin -->", "<!-- batch:end -->"
SIM_FLAGS = ["--ttft-ms", "300", "--itl-ms", "10", "--min-tokens", "50", "--max-tokens", "50", "--spread", "0"]


def write_prompts(path, n):
    with open(path, "w") as f:
        for i in range(n):
            f.write(json.dumps({"id": f"q{i}", "prompt": f"Question {i}: what is the capital of France?",
                                "max_tokens": 50}) + "\n")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd, timeout):
    cpu, start = children_cpu(), time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=timeout)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr[-2000:]}")
    return wall, children_cpu() - cpu


def count_lines(path, expected):
    ids = [json.loads(line)["custom_id"] for line in open(path)]
    if len(ids) != expected or len(set(ids)) != expected:
        raise RuntimeError(f"{path}: {len(ids)} lines, {len(set(ids))} distinct ids, expected {expected}")


def one_latency(base):
    body = json.dumps({"model": "sim-small", "max_tokens": 50,
                       "messages": [{"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(base + "/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    start = time.monotonic()
    urllib.request.urlopen(request, timeout=30).read()
    return time.monotonic() - start


def rate_limited(base):
    text = urllib.request.urlopen(base.replace("/v1", "") + "/metrics", timeout=10).read().decode()
    return sum(int(m.group(1)) for m in re.finditer(r'agentio_sim_rate_limited_total\{[^}]*\} (\d+)', text))


def throughput(args, tmp):
    n, concurrency = args.requests, 1000
    prompts = os.path.join(tmp, "prompts.jsonl")
    write_prompts(prompts, n)
    port = free_port()
    sim = [os.path.join(args.bin, "agentio"), "sim", "--port", str(port)] + SIM_FLAGS
    with Server("agentio-sim", sim, tmp, port=port):
        base = f"http://127.0.0.1:{port}/v1"
        latency = min(one_latency(base) for _ in range(3))
        out = os.path.join(tmp, "agentio.out.jsonl")
        agentio = timed([os.path.join(args.bin, "agentio"), "batch", prompts, "-o", out, "--base-url", base,
                         "--api-key", "sk-bench", "--model", "sim-small", "--concurrency", str(concurrency)], timeout=1200)
        count_lines(out, n)
        out = os.path.join(tmp, "python.out.jsonl")
        python = timed(["/usr/bin/python3", os.path.join(HERE, "batch_cookbook.py"), prompts, out, "--base-url", base,
                        "--concurrency", str(concurrency)], timeout=1200)
        count_lines(out, n)
    return {"requests": n, "concurrency": concurrency, "latency": latency,
            "floor": n * latency / concurrency, "agentio": agentio, "python": python}


def rate(args, tmp):
    n, rpm = args.rate_requests, 6000
    prompts = os.path.join(tmp, "rate.jsonl")
    write_prompts(prompts, n)
    port = free_port()
    sim = [os.path.join(args.bin, "agentio"), "sim", "--port", str(port), "--rpm", str(rpm)] + SIM_FLAGS
    out = os.path.join(tmp, "rate.out.jsonl")
    with Server("agentio-sim-rate", sim, tmp, port=port):
        base = f"http://127.0.0.1:{port}/v1"
        proc = subprocess.Popen([os.path.join(args.bin, "agentio"), "batch", prompts, "-o", out, "--base-url", base,
                                 "--api-key", "sk-bench", "--model", "sim-small", "--concurrency", "1000", "--rpm", str(rpm)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples, start = [], time.monotonic()
        while proc.poll() is None and time.monotonic() - start < 1200:
            time.sleep(0.5)
            lines = sum(1 for _ in open(out)) if os.path.exists(out) else 0
            samples.append((time.monotonic() - start, lines))
        proc.wait(timeout=60)
        wall = time.monotonic() - start
        limited = rate_limited(base)
    count_lines(out, n)
    # Once a minute's bucketful is done, the limit alone sets the pace.
    after = [(t, k) for t, k in samples if k >= rpm]
    steady = (after[-1][1] - after[0][1]) / (after[-1][0] - after[0][0]) * 60 if len(after) > 2 else float("nan")
    return {"requests": n, "rpm": rpm, "wall": wall, "steady_rpm": steady, "overall_rpm": n / wall * 60,
            "rate_limited": limited}


def render(args, date, load_before, load_after, elapsed, tp, rt):
    cmd = "/usr/bin/python3 bench/compare/run_batch.py --bin build/release/bin --out docs/BENCHMARKS.md"
    lines = ["## Batch processor", "",
             f"Recorded {date} on {machine()}; load average {load_before} before, {load_after} after; "
             f"{elapsed:.0f} s in all. Command: `./dev bench` (this section: `{cmd}`).", ""]
    if tp:
        a_wall, a_cpu = tp["agentio"]
        p_wall, p_cpu = tp["python"]
        lines += ["### 10,000 requests, 1,000 at a time", "",
                  f"`agentio sim` in its own process: 0.3 s to first token, 50 tokens 10 ms apart, no spread; one "
                  f"request alone takes {tp['latency']:.3f} s, so the floor is {tp['requests']:,} x "
                  f"{tp['latency']:.3f} s / {tp['concurrency']:,} = {tp['floor']:.2f} s. Both processors send plain "
                  "(not streamed) requests and write every reply as a JSONL line.", "",
                  "| processor | wall | over the floor | CPU s | CPU s per 1,000 requests |", "|---|---|---|---|---|",
                  f"| `agentio batch` | {a_wall:.2f} s | {100 * (a_wall / tp['floor'] - 1):+.1f}% | {a_cpu:.2f} | "
                  f"{a_cpu / tp['requests'] * 1000:.3f} |",
                  f"| Python asyncio + aiohttp (cookbook shape) | {p_wall:.2f} s | {100 * (p_wall / tp['floor'] - 1):+.1f}% "
                  f"| {p_cpu:.2f} | {p_cpu / tp['requests'] * 1000:.3f} |", "",
                  f"**CPU per request: Python / agentio x{p_cpu / a_cpu:.1f}; wall: x{p_wall / a_wall:.2f}.** "
                  f"Target: agentio within 5% of the floor: {'met' if a_wall <= 1.05 * tp['floor'] else 'NOT met'}.", ""]
    if rt:
        ok = rt["steady_rpm"] >= 0.98 * rt["rpm"] and rt["rate_limited"] < 0.01 * rt["requests"]
        lines += ["### Rate limit: `--rpm 6000` against a simulator limited to 6,000 RPM", "",
                  "| requests | wall | overall rate | steady rate (after the first minute's bucketful) | 429s |",
                  "|---|---|---|---|---|",
                  f"| {rt['requests']:,} | {rt['wall']:.1f} s | {rt['overall_rpm']:.0f} RPM | {rt['steady_rpm']:.0f} RPM "
                  f"({100 * rt['steady_rpm'] / rt['rpm']:.1f}% of the limit) | {rt['rate_limited']} "
                  f"({100 * rt['rate_limited'] / rt['requests']:.2f}%) |", "",
                  f"Targets: >= 98% of the limit, < 1% 429s: {'met' if ok else 'NOT met'}.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default="build/release/bin")
    parser.add_argument("--out", default="docs/BENCHMARKS.md")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--rate-requests", type=int, default=12_000)
    parser.add_argument("--only", choices=("throughput", "rate"), action="append")
    args = parser.parse_args()
    only = set(args.only or ("throughput", "rate"))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    started, load_before = time.monotonic(), loadavg()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    tp = rt = None
    with tempfile.TemporaryDirectory(prefix="agentio-batch-bench-") as tmp:
        if "throughput" in only:
            print("batch throughput ...", file=sys.stderr)
            tp = throughput(args, tmp)
        if "rate" in only:
            print("batch rate limit ...", file=sys.stderr)
            rt = rate(args, tmp)
    section = render(args, date, load_before, loadavg(), time.monotonic() - started, tp, rt)
    if only == {"throughput", "rate"}:
        write_section(args.out, section, BEGIN, END)
        print(f"written to {args.out}", file=sys.stderr)
    print(section)


if __name__ == "__main__":
    sys.exit(main())
