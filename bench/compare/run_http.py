#!/usr/bin/python3
"""Runs the HTTP benchmarks side by side and writes their section of docs/BENCHMARKS.md.

Three measurements, all in this one run:
  client  GET keep-alive with 64 connections against a local nginx (one
          worker): agentio's http::Client (bench/http_client_load.cpp) vs
          `wrk -t1` vs aiohttp on uvloop (bench/compare/http_twins.py client).
  server  `wrk -t1 -c64` GET / against examples/http_server vs nginx (one
          worker, the same body and nearly the same headers) vs an aiohttp
          server on uvloop (bench/compare/http_twins.py server).
  sse     bench/sse_decode: events/s decoding a recorded LLM stream.
Each figure is the median of --runs rounds; the contenders take turns inside
each round, so that a noisy moment of this shared 2-vCPU VM hits all of them
rather than one. Every server is started by this script on a free loopback
port (nginx from a config generated into a temp dir) and always stopped.

With 2 or more CPUs, the load generator runs on CPU 0 and the server on CPU 1
(`taskset`, for every contender alike), so that neither steals the other's core.

The section goes between <!-- http:begin --> and <!-- http:end --> in --out:
replaced if there, appended if not (run_core.py keeps it when it rewrites the file).

    /usr/bin/python3 bench/compare/run_http.py --bin build/release/bin --out docs/BENCHMARKS.md
"""
import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TWINS = os.path.join(HERE, "http_twins.py")
BEGIN, END = "<!-- http:begin -->", "<!-- http:end -->"
BODY = "Hello from agentio\n"  # examples/http_server's GET /; nginx and aiohttp answer the same
CONNECTIONS = 64
CLIENT_TARGET = 0.8  # agentio >= 0.8x wrk's requests/s
SERVER_TARGET = 1.0  # agentio >= 1.0x nginx's requests/s
SSE_PASSES = 101


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode} before accepting")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not accept on port {port} within {timeout} s")


class Pinning:
    """Where the load generator and the server run (the same for every contender)."""

    def __init__(self, enabled):
        self.enabled = enabled and (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None

    def load(self, cmd):
        return ["taskset", "-c", "0"] + cmd if self.enabled else cmd

    def server(self, cmd):
        return ["taskset", "-c", "1"] + cmd if self.enabled else cmd

    def describe(self):
        if self.enabled:
            return ("load generators (wrk, http_client_load, the aiohttp client) on CPU 0, servers (nginx, "
                    "http_server, the aiohttp server) on CPU 1, through `taskset -c` for every contender alike")
        return "no CPU pinning"


class Server:
    """A server process under test, stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, name, cmd, tmp, port=None):
        self.name, self.cmd, self.tmp, self.port = name, cmd, tmp, port
        self.proc = None

    def __enter__(self):
        self.log = open(os.path.join(self.tmp, f"{self.name}.log"), "w+")
        self.proc = subprocess.Popen(self.cmd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            self._wait_ready()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self):
        if self.port is None:  # the server picks its port and says so
            deadline = time.monotonic() + 10
            while self.port is None:
                self.log.seek(0)
                m = re.search(r"listening on https?://[^:\s]+:(\d+)", self.log.read())
                if m:
                    self.port = int(m.group(1))
                elif self.proc.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError(f"{self.name} did not start: {self.log.read()[-2000:]}")
                else:
                    time.sleep(0.05)
        wait_for_port(self.port, self.proc, self.name)

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            # nginx: SIGTERM is its fast shutdown; the others shut down on it too.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return False

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"


def nginx_server(tmp, pinning):
    """nginx with one worker answering every GET with BODY, its config and
    every path it writes inside `tmp`."""
    port = free_port()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(tmp, sub), exist_ok=True)
    conf = os.path.join(tmp, "nginx.conf")
    body = BODY.replace("\n", "\\n")
    with open(conf, "w") as f:
        f.write(f"""# generated by bench/compare/run_http.py
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    server_tokens off;
    # No cap on requests per keep-alive connection (the default 1000 would
    # make wrk reconnect; agentio's server has no such cap).
    keepalive_requests 1000000000;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            default_type "text/plain; charset=utf-8";
            return 200 "{body}";
        }}
    }}
}}
""")
    return Server("nginx", pinning.server(["nginx", "-p", tmp, "-e", f"{tmp}/nginx-error.log", "-c", conf]),
                  tmp, port)


def raw_response(port):
    """The exact bytes of one keep-alive GET / response (head and body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
        length = int(m.group(1)) if m else 0
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
        return head.decode("latin-1"), body.decode("latin-1")


def children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid, reaped=False):
    """CPU time (user + system) used so far by `pid` and its descendants
    (nginx: the master and its worker); with `reaped`, also that of the
    children `pid` has waited for (PostgreSQL's backends, one per connection,
    come and go)."""
    parents, cpu, total = {}, {}, 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        parents[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        if reaped and int(entry) == pid:
            total += (int(fields[13]) + int(fields[14])) / TICK  # cutime, cstime
    todo = [pid]
    while todo:
        p = todo.pop()
        total += cpu.get(p, 0.0)
        todo += [child for child, parent in parents.items() if parent == p]
    return total


def timed(cmd, server_pid, timeout=600, reaped=False):
    """The command's JSON line, plus its own CPU and the server's (see
    tree_cpu_seconds for `reaped`) over its run, measured from outside."""
    cpu0, server0 = children_cpu_seconds(), tree_cpu_seconds(server_pid, reaped)
    sample = run_json(cmd, timeout=timeout)
    sample["process_cpu_seconds"] = children_cpu_seconds() - cpu0
    sample["server_cpu_seconds"] = tree_cpu_seconds(server_pid, reaped) - server0
    return sample


def run_wrk(pinning, url, duration, warmup, server_pid=None):
    """requests/s of `wrk -t1 -c64` over `duration` seconds, after a `warmup`
    run; with the CPU time per request of wrk and, given its pid, of the server."""
    base = ["wrk", "-t1", f"-c{CONNECTIONS}"]
    if warmup > 0:
        subprocess.run(pinning.load(base + [f"-d{warmup}s", url]), check=True, capture_output=True, timeout=60)
    cmd = base + [f"-d{duration}s", url]
    wrk_cpu0 = children_cpu_seconds()
    server_cpu0 = tree_cpu_seconds(server_pid) if server_pid else 0.0
    out = subprocess.run(pinning.load(cmd), check=True, capture_output=True, text=True, timeout=120).stdout
    server_cpu = tree_cpu_seconds(server_pid) - server_cpu0 if server_pid else 0.0
    wrk_cpu = children_cpu_seconds() - wrk_cpu0
    rps = float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(m.group(1)) if m else 0
    per_request = (lambda cpu: cpu * 1e6 / requests) if requests else (lambda cpu: 0.0)
    return {"req_per_s": rps, "requests": requests, "errors": errors, "cpu_us_per_req": per_request(wrk_cpu),
            "server_cpu_us_per_req": per_request(server_cpu)}


def run_json(cmd, timeout=120):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"{' '.join(cmd)} printed nothing (status {proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def median_of(samples, key="req_per_s"):
    return statistics.median(s[key] for s in samples)


def machine():
    model = platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.+)", f.read())
            model = m.group(1).strip() if m else model
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def tool_version(cmd, pattern):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        m = re.search(pattern, out.stdout + out.stderr)
        return m.group(1) if m else "?"
    except OSError:
        return "?"


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ratio(a, b):
    return a / b if a == a and b == b and a and b else float("nan")


def fmt_ratio(x, digits=2):
    return f"x{x:.{digits}f}" if x == x else "-"


def fmt_rps(x):
    return f"{x:,.0f}" if x == x else "-"


def measure_client(args, pinning, nginx, runs, duration, warmup):
    """{contender: [sample, ...]}, the contenders taking turns in each round."""
    load_bin = os.path.join(args.bin, "http_client_load")
    contenders = {}
    if os.path.exists(load_bin):
        contenders["agentio"] = lambda: run_json(pinning.load(
            [load_bin, "--url", nginx.url, "--connections", str(CONNECTIONS), "--duration", str(duration),
             "--warmup", str(warmup)]))
    contenders["wrk"] = lambda: run_wrk(pinning, nginx.url, duration, warmup)
    contenders["aiohttp"] = lambda: run_json(pinning.load(
        [args.python, TWINS, "client", "--url", nginx.url, "--connections", str(CONNECTIONS), "--duration",
         str(duration), "--warmup", str(warmup)]))
    samples = {name: [] for name in contenders}
    for round_ in range(runs):
        for name, run in contenders.items():
            s = run()
            samples[name].append(s)
            print(f"client round {round_ + 1}/{runs} {name:8} {s['req_per_s']:>12,.0f} req/s  errors {s['errors']}"
                  + (f" ({s['first_error']})" if s.get("first_error") else ""), flush=True)
    return samples


def measure_server(args, pinning, servers, runs, duration, warmup):
    samples = {name: [] for name in servers}
    for round_ in range(runs):
        for name, server in servers.items():
            s = run_wrk(pinning, server.url, duration, warmup, server.proc.pid)
            samples[name].append(s)
            print(f"server round {round_ + 1}/{runs} {name:8} {s['req_per_s']:>12,.0f} req/s  errors {s['errors']}",
                  flush=True)
    return samples


def measure_sse(args, runs):
    binary = os.path.join(args.bin, "sse_decode")
    if not os.path.exists(binary):
        return None
    results = {}
    # 16 KiB reads (a busy socket) and one read per event (a server that
    # flushes every token): the two ends of what a client sees.
    # A pass takes about 1.5 ms: 101 passes per process (median inside) so
    # that a neighbour's burst of a few ms does not become the figure.
    for read in (16384, 0):
        samples = [run_json([binary, "--read", str(read), "--runs", str(SSE_PASSES)]) for _ in range(runs)]
        results[read] = {"events_per_s": median_of(samples, "events_per_s"),
                         "mb_per_s": median_of(samples, "mb_per_s"),
                         "events": samples[0]["events"], "stream_bytes": samples[0]["stream_bytes"],
                         "all": [s["events_per_s"] for s in samples]}
        print(f"sse read={read:<6} {results[read]['events_per_s']:>14,.0f} events/s "
              f"{results[read]['mb_per_s']:.1f} MB/s", flush=True)
    return results


def write_section(path, section, begin=BEGIN, end=END):
    """Puts `section` between the markers in `path`: replaced if there, appended if not."""
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    block = f"{begin}\n{section.strip()}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="directory with http_client_load, http_server, sse_decode")
    ap.add_argument("--out", required=True)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--runs", type=int, default=3)
    # Whole seconds: wrk's -d takes nothing finer.
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--parts", default="client,server,sse", help="comma-separated subset of client,server,sse")
    ap.add_argument("--no-pin", action="store_true", help="do not pin load generator and server to CPUs")
    ap.add_argument("--quick", action="store_true", help="1 round of 2 s (a smoke run, not for the record)")
    # ./dev bench passes its arguments to both runners: ignore run_core.py's.
    args, _ = ap.parse_known_args()
    if args.quick:
        args.runs, args.duration, args.warmup = 1, 2, 1
    parts = set(args.parts.split(","))
    pinning = Pinning(not args.no_pin)
    started = time.monotonic()
    load_before = loadavg()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    client = server = sse = None
    heads = {}
    # SIGTERM (a CI timeout) unwinds like Ctrl-C, so the servers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="agentio-bench-http-") as tmp, contextlib.ExitStack() as stack:
        if parts & {"client", "server"}:
            nginx = stack.enter_context(nginx_server(tmp, pinning))
        if "client" in parts:
            client = measure_client(args, pinning, nginx, args.runs, args.duration, args.warmup)
        if "server" in parts:
            servers = {}
            agentio_bin = os.path.join(args.bin, "http_server")
            if os.path.exists(agentio_bin):
                servers["agentio"] = stack.enter_context(
                    Server("agentio", pinning.server([agentio_bin, "--port", "0"]), tmp))
            servers["nginx"] = nginx
            servers["aiohttp"] = stack.enter_context(
                Server("aiohttp", pinning.server([args.python, TWINS, "server", "--port", "0"]), tmp))
            for name, s in servers.items():
                heads[name] = raw_response(s.port)
                if heads[name][1] != BODY:
                    raise RuntimeError(f"{name} answered GET / with {heads[name][1]!r}, not {BODY!r}")
            server = measure_server(args, pinning, servers, args.runs, args.duration, args.warmup)
        stack.close()  # the servers stop before the CPU-bound SSE measurement
        if "sse" in parts:
            sse = measure_sse(args, args.runs)
    elapsed = time.monotonic() - started
    load_after = loadavg()

    section = render(args, pinning, date, load_before, load_after, elapsed, args.duration, args.warmup, client, server,
                     sse, heads)
    write_section(args.out, section)
    print(f"http benchmarks took {elapsed:.0f} s; load average before {load_before}, after {load_after}")
    print(f"written to {args.out} (between {BEGIN} and {END})")
    return 0


def contender_table(samples, kind, contenders, cpu_key, heads=None):
    """Markdown rows: median req/s, every round, agentio's ratio (of the
    medians, and round by round), CPU per request, errors."""
    a = samples.get("agentio")
    header = f"| {kind} | req/s (median) | every round | agentio / this | same, round by round | CPU/request (median) |"
    header += " errors |" + (" response bytes (head + body) |" if heads else "")
    rows = [header, "|" + "---|" * (header.count("|") - 1)]
    for name, label in contenders:
        if name not in samples:
            rows.append(f"| {label} | not built |" + " - |" * (header.count("|") - 3))
            continue
        these = samples[name]
        m = median_of(these)
        if name == "agentio" or a is None:
            vs = by_round = "-"
        else:
            vs = fmt_ratio(ratio(median_of(a), m))
            by_round = ", ".join(fmt_ratio(ratio(x["req_per_s"], y["req_per_s"])) for x, y in zip(a, these))
        row = (f"| {label} | {fmt_rps(m)} | {', '.join(fmt_rps(x['req_per_s']) for x in these)} | {vs} | {by_round} | "
               f"{median_of(these, cpu_key):.2f} us | {sum(x['errors'] for x in these)} |")
        if heads:
            head, body = heads[name]
            row += f" {len(head) + 4} + {len(body)} |"
        rows.append(row)
    return rows + [""]


def verdict(samples, reference, target):
    if "agentio" not in samples:
        return ["agentio's program is not built: no verdict.", ""]
    a = median_of(samples["agentio"])
    r = ratio(a, median_of(samples[reference]))
    cpu_key = "cpu_us_per_req" if reference == "wrk" else "server_cpu_us_per_req"
    ours, theirs = median_of(samples["agentio"], cpu_key), median_of(samples[reference], cpu_key)
    others = [n for n in samples if n not in ("agentio", reference)]
    line = (f"**agentio / {reference} = {fmt_ratio(r)}** in requests/s (target >= x{target}: "
            f"{'met' if r == r and r >= target else 'NOT met'}); CPU per request: agentio {ours:.2f} us, "
            f"{reference} {theirs:.2f} us")
    for other in others:
        line += f"; agentio / {other} = {fmt_ratio(ratio(a, median_of(samples[other])), 1)} in requests/s"
    return [line + ".", ""]


def render(args, pinning, date, load_before, load_after, elapsed, duration, warmup, client, server, sse, heads):
    nginx_v = tool_version(["nginx", "-v"], r"nginx/(\S+)")
    wrk_v = tool_version(["wrk", "--version"], r"wrk (\S+)")
    versions = "import aiohttp, uvloop; print(aiohttp.__version__, uvloop.__version__)"
    aiohttp_v = tool_version([args.python, "-c", versions], r"(\S+ \S+)").split(" ")
    aiohttp_v = aiohttp_v if len(aiohttp_v) == 2 else ["?", "?"]
    runs = args.runs
    L = [
        "## HTTP",
        "",
        "Produced by `./dev bench` after the core benchmarks, through "
        "`/usr/bin/python3 bench/compare/run_http.py --bin build/release/bin --out docs/BENCHMARKS.md` "
        "(the date below is this section's own). "
        f"Each figure is the median of {runs} round{'s' if runs > 1 else ''}; in each round the contenders take "
        "turns, one fresh process each, so a noisy moment of this shared VM falls on all of them. A measurement "
        f"covers {duration} s after a {warmup} s warm-up ({CONNECTIONS} keep-alive connections throughout; the "
        "warm-up runs inside the same process for agentio's and aiohttp's clients, as a separate wrk run before "
        "each measured wrk run). "
        "Every server runs on 127.0.0.1, started and stopped by the script; nginx with `worker_processes 1`, "
        "`access_log off`, no cap on requests per connection, from a config generated into a temp dir.",
        "",
        f"- date: {date}; the HTTP part took {elapsed:.0f} s",
        f"- machine: {machine()}",
        f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after} "
        "(other work on this shared machine shows up here; figures taken under load are noisy)",
        f"- CPU pinning: {pinning.describe()}",
        f"- nginx {nginx_v}, wrk {wrk_v}, Python {platform.python_version()}, aiohttp {aiohttp_v[0]} on uvloop "
        f"{aiohttp_v[1]}",
        "",
    ]
    if args.quick:
        L.insert(2, "**Quick smoke run (1 round of 2 s): not the recorded figures.**\n")

    if client is not None:
        L += [
            f"### Client: GET keep-alive, {CONNECTIONS} connections, against a local nginx (1 worker)",
            "",
            f"Each client keeps {CONNECTIONS} requests in flight, one per connection, and reads every body "
            f"(`{BODY.strip()}`, {len(BODY)} bytes). agentio: `build/release/bin/http_client_load --url URL "
            f"--connections {CONNECTIONS} --duration {duration} --warmup {warmup}` ({CONNECTIONS} tasks sharing one "
            f"`http::Client`, each looping `co_await client.get(url)` + `co_await resp.text()`); wrk: "
            f"`wrk -t1 -c{CONNECTIONS} -d{duration}s URL` after a `-d{warmup}s` warm-up run; aiohttp: "
            f"`bench/compare/http_twins.py client` (one `ClientSession`, `TCPConnector(limit={CONNECTIONS})`, "
            f"{CONNECTIONS} tasks, uvloop). *CPU/request* is the client process's user + system time over the "
            "measured window divided by its requests: what one request costs the client, a figure that other work "
            "on the machine disturbs much less than requests/s.",
            "",
        ]
        L += contender_table(client, "client", (("agentio", "agentio `http::Client`"),
                                                ("wrk", "`wrk -t1` (C, the reference)"),
                                                ("aiohttp", "aiohttp on uvloop")), "cpu_us_per_req")
        L += verdict(client, "wrk", CLIENT_TARGET)

    if server is not None:
        L += [
            f"### Server: `wrk -t1 -c{CONNECTIONS} -d{duration}s` GET /",
            "",
            f"The same load generator against three servers that answer GET / with the same {len(BODY)}-byte body "
            "(`text/plain; charset=utf-8`): `build/release/bin/http_server --port 0` (examples/http_server.cpp), "
            "nginx (`return 200 \"Hello from agentio\\n\"`), and `bench/compare/http_twins.py server` (aiohttp "
            "`web.Response(text=...)`, no access log, uvloop). Each round runs a "
            f"`-d{warmup}s` warm-up, then the measured `-d{duration}s`. *CPU/request* is the server's user + system "
            "time (nginx: master and worker, read from /proc) during the measured run divided by the requests wrk "
            "counted.",
            "",
        ]
        L += contender_table(server, "server", (("agentio", "agentio `http::Server`"), ("nginx", "nginx, 1 worker"),
                                                ("aiohttp", "aiohttp on uvloop")), "server_cpu_us_per_req", heads)
        L += verdict(server, "nginx", SERVER_TARGET)
        L += ["The response heads as sent (the `Date` varies):", ""]
        for name in server:
            L += [f"- {name}: `" + heads[name][0].replace("\r\n", " \\r\\n ") + "`"]
        L.append("")

    if "sse" in args.parts.split(","):
        L += ["### SSE decode: `http::SseDecoder` on a recorded LLM stream", ""]
        if sse is None:
            L += ["| reads | events/s | MB/s |", "|---|---|---|",
                  "| TODO: `bench/sse_decode` is not built yet; run_http.py fills this row when it is | - | - |", ""]
        else:
            first = next(iter(sse.values()))
            L += [
                f"`build/release/bin/sse_decode --read N --runs {SSE_PASSES}` (bench/sse_decode.cpp): a streamed "
                f"chat completion of {first['events']:,} events ({first['stream_bytes']:,} bytes of "
                "`chat.completion.chunk` SSE), decoded event by event; each process reports the median of its "
                f"{SSE_PASSES} passes, the table the median of {runs} processes.",
                "",
                "| reads | events/s (median) | every process | MB/s |",
                "|---|---|---|---|",
            ]
            for read, r in sse.items():
                label = f"{read:,}-byte reads" if read else "one read per event"
                L.append(f"| {label} | {fmt_rps(r['events_per_s'])} | {', '.join(fmt_rps(x) for x in r['all'])} | "
                         f"{r['mb_per_s']:.1f} |")
            L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    sys.exit(main())
