#!/usr/bin/python3
"""Runs the MCP benchmark and writes its section of docs/BENCHMARKS.md.

Tool calls per second and CPU per call: one client with 64 calls in flight
calling an `echo` tool, over Streamable HTTP and over stdio, for four pairs:
agentio's client (bench/mcp_calls.cpp) and the official TypeScript SDK's
(bench/compare/mcp_calls.mjs, the SDK pinned in tests/mcp), each against
agentio's server (examples/mcp_server) and the SDK's reference
`server-everything` (tests/mcp). CPU counts both processes: the client's
own, and the server's from /proc over the same window. "cold" is the first
tenth of the calls right after the handshake; "warm" the rest.

    /usr/bin/python3 bench/compare/run_mcp.py --bin build/release/bin --out docs/BENCHMARKS.md
"""
import argparse
import datetime
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_http import loadavg, machine, write_section  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EVERYTHING = os.path.join(ROOT, "tests/mcp/node_modules/@modelcontextprotocol/server-everything/dist/index.js")
BEGIN, END = "<!-- mcp:begin -->", "<!-- mcp:end -->"
IN_FLIGHT = 64
ROUNDS = 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def servers(bin_dir):
    """name -> (stdio command, a function starting it on HTTP: (process, url), echo arguments)."""
    def agentio_http():
        process = subprocess.Popen([os.path.join(bin_dir, "mcp_server"), "--http", "0"], stdout=subprocess.PIPE, text=True)
        return process, process.stdout.readline().strip()

    def everything_http():
        port = free_port()
        process = subprocess.Popen(["node", EVERYTHING, "streamableHttp"], env={**os.environ, "PORT": str(port)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return process, f"http://127.0.0.1:{port}/mcp"

    return {
        "agentio": ([os.path.join(bin_dir, "mcp_server")], agentio_http, {"text": "hello"}),
        "TypeScript SDK": (["node", EVERYTHING, "stdio"], everything_http, {"message": "hello"}),
    }


def client_command(client, bin_dir):
    if client == "agentio":
        return [os.path.join(bin_dir, "mcp_calls")]
    return ["node", os.path.join(HERE, "mcp_calls.mjs")]


def run_pair(client, server, transport, calls, bin_dir):
    stdio_command, start_http, arguments = servers(bin_dir)[server]
    head = client_command(client, bin_dir)
    if transport == "stdio":
        cmd = head + ["stdio", "echo", json.dumps(arguments), str(calls), str(IN_FLIGHT), "--"] + stdio_command
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900).stdout
    else:
        process, url = start_http()
        try:
            cmd = head + ["http", url, "echo", json.dumps(arguments), str(calls), str(IN_FLIGHT), str(process.pid)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900).stdout
        finally:
            process.terminate()
            process.wait()
    phases = {}
    for line in out.splitlines():
        if line.startswith("{"):
            value = json.loads(line)
            phases[value["phase"]] = value
    return phases


def bare_http_bound(bin_dir):
    """A bare keep-alive GET between agentio's HTTP client and server, IN_FLIGHT at once: req/s, p50, p99."""
    server = subprocess.Popen([os.path.join(bin_dir, "http_server"), "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().split()[-1] + "/"
        out = subprocess.run([os.path.join(bin_dir, "http_client_load"), "--url", url, "--connections", str(IN_FLIGHT),
                              "--duration", "3", "--warmup", "1"], check=True, capture_output=True, text=True,
                             timeout=120).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="build/release/bin")
    ap.add_argument("--out", default="docs/BENCHMARKS.md")
    ap.add_argument("--calls", type=int, default=5000)
    args, _ = ap.parse_known_args()

    pairs = [("agentio", "agentio"), ("TypeScript SDK", "TypeScript SDK"), ("agentio", "TypeScript SDK"),
             ("TypeScript SDK", "agentio")]
    # Rounds in which the pairs take turns, so a noisy moment of this shared
    # VM falls on all of them; each pair's row is its median round by CPU per call.
    runs = {}
    for round_number in range(ROUNDS):
        for transport in ("http", "stdio"):
            for client, server in pairs:
                # The agentio pair runs ten times the calls: 5,000 of them take 0.1 s,
                # too short a window for the server's CPU, which /proc counts in 10 ms ticks.
                calls = args.calls * 10 if client == server == "agentio" else args.calls
                phases = run_pair(client, server, transport, calls, args.bin)
                runs.setdefault((transport, client, server), []).append(phases)
                warm = phases["warm"]
                print(f"round {round_number + 1}: {transport:5} {client:15} -> {server:15} "
                      f"{warm['calls_per_s']:9.0f} calls/s  p99 {warm['p99_ms']:7.2f} ms", flush=True)

    bound = bare_http_bound(args.bin)

    def cpu_us(phase):
        return (phase["client_cpu_s"] + phase["server_cpu_s"]) / phase["calls"] * 1e6

    rows = []
    for (transport, client, server), rounds in runs.items():
        ordered = sorted(rounds, key=lambda phases: cpu_us(phases["warm"]))
        rows.append((transport, client, server, ordered[len(ordered) // 2]))

    lines = [
        "## MCP: tool calls, agentio vs the official TypeScript SDK",
        "",
        f"{datetime.date.today().isoformat()}, {machine()}, load average before: {loadavg()}.",
        "",
        f"Median of {ROUNDS} rounds (each pair's median round by CPU per call; in each round the pairs take turns). "
        f"One client, {IN_FLIGHT} `tools/call` of an `echo` tool in flight, {args.calls:,} calls warm after "
        f"{args.calls // 10:,} cold (the first, right after the handshake); the agentio pair {args.calls * 10:,} after "
        f"{args.calls:,}, since it is done with 5,000 in a tenth of a second, shorter than the server's CPU can be read "
        "to (/proc counts 10 ms ticks). CPU is both processes' (the client's own, "
        "the server's from /proc, same window). agentio: `mcp::Client` (bench/mcp_calls.cpp) and `mcp::Server` "
        "(examples/mcp_server); TypeScript: `@modelcontextprotocol/sdk` 1.32.2's `Client` (bench/compare/mcp_calls.mjs) "
        "and `@modelcontextprotocol/server-everything` 2026.8.31.",
        "",
        "| transport | client -> server | calls/s warm | calls/s cold | CPU us/call warm | calls per CPU-second | p50 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    per_cpu = {}
    for transport, client, server, phases in rows:
        warm, cold = phases["warm"], phases["cold"]
        per_cpu[(transport, client, server)] = 1e6 / cpu_us(warm)
        lines.append(f"| {'Streamable HTTP' if transport == 'http' else 'stdio'} | {client} -> {server} | "
                     f"{warm['calls_per_s']:,.0f} | {cold['calls_per_s']:,.0f} | {cpu_us(warm):,.0f} | "
                     f"{1e6 / cpu_us(warm):,.0f} | {warm['p50_ms']:.2f} | {warm['p99_ms']:.2f} |")
    lines.append("")
    for transport in ("http", "stdio"):
        ours = per_cpu[(transport, "agentio", "agentio")]
        theirs = per_cpu[(transport, "TypeScript SDK", "TypeScript SDK")]
        by_round = [cpu_us(t["warm"]) / cpu_us(o["warm"])
                    for o, t in zip(runs[(transport, "agentio", "agentio")],
                                    runs[(transport, "TypeScript SDK", "TypeScript SDK")])]
        lines.append(f"- {'Streamable HTTP' if transport == 'http' else 'stdio'}: the agentio pair makes "
                     f"{ours / theirs:.1f}x the TypeScript pair's calls per CPU-second (target: 10x; round by round: "
                     f"{', '.join(f'{r:.1f}x' for r in by_round)}).")
    ours_http = next(phases["warm"] for transport, client, server, phases in rows
                     if transport == "http" and client == "agentio" and server == "agentio")
    lines.append(f"- Streamable HTTP, the agentio pair's p99 at {IN_FLIGHT} in flight: {ours_http['p99_ms']:.2f} ms "
                 f"(target: under 1 ms). Its mean is {IN_FLIGHT / ours_http['calls_per_s'] * 1000:.2f} ms "
                 f"(in flight / calls per second, Little's law). For scale, on the same two cores: a bare keep-alive GET "
                 f"between agentio's HTTP client and server (bench/http_client_load against examples/http_server, "
                 f"{IN_FLIGHT} in flight) runs {bound['req_per_s']:,.0f} requests/s, a mean of "
                 f"{IN_FLIGHT / bound['req_per_s'] * 1000:.2f} ms, p50 {bound['p50_ms']:.2f} ms, p99 {bound['p99_ms']:.2f} ms. "
                 f"A tool call is that exchange plus a request body, JSON-RPC both ways, the session and the tool, so its "
                 f"p99 cannot be below that GET's on this machine.")
    lines += ["", "```sh", "/usr/bin/python3 bench/compare/run_mcp.py --bin build/release/bin --out docs/BENCHMARKS.md",
              "```"]
    write_section(args.out, "\n".join(lines), BEGIN, END)


if __name__ == "__main__":
    main()
