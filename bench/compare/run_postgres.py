#!/usr/bin/python3
"""Runs the PostgreSQL benchmark and writes its section of docs/BENCHMARKS.md.

One throw-away PostgreSQL 15 (initdb into a temp dir, pinned to CPU 1, fsync
off) and three clients on CPU 0, taking turns: agentio's pg::Connection
(bench/pg_load.cpp: 64 tasks sharing one pipelined connection), asyncpg
(bench/compare/pg_twin.py: 64 tasks on a pool) and pgbench (the C reference,
prepared statements, one connection). `select $1::int`, 100,000 times: one
query awaited at a time, then in turns of 10 queries sent together (agentio: a
pg::Pipeline; pgbench: \\startpipeline ... \\endpipeline; asyncpg has no query
pipeline and runs its 10 in turn). Median of --rounds rounds; the server's CPU per query beside
each client's. Then a table of 1,000 float4[1536] embeddings, read a row at a
time (--embedding-ops of them): agentio in binary format and in text, asyncpg
(always binary).

    /usr/bin/python3 bench/compare/run_postgres.py --bin build/release/bin --out docs/BENCHMARKS.md
"""
import argparse
import datetime
import os
import pwd
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_http import (Pinning, children_cpu_seconds, free_port, loadavg, machine, run_json,  # noqa: E402
                      timed, tool_version, tree_cpu_seconds, write_section)

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN, END = "<!-- postgres:begin -->", "<!-- postgres:end -->"
PG_BIN = "/usr/lib/postgresql/15/bin"
BATCHES = (1, 10)
DIMENSIONS, EMBEDDING_ROWS = 1536, 1000


def as_server_user(cmd):
    """PostgreSQL refuses to run as root: drop to the `postgres` user then."""
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + cmd


def server_cpu_seconds(pid):
    """The postmaster's CPU, its live backends' and that of those it reaped."""
    return tree_cpu_seconds(pid, reaped=True)


class Postgres:
    def __init__(self, pinning, tmp):
        self.pinning, self.tmp = pinning, tmp
        self.data = os.path.join(tmp, "data")
        self.port = free_port()
        self.proc = None

    def __enter__(self):
        os.mkdir(self.data, 0o700)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chmod(self.tmp, 0o755)
            os.chown(self.data, user.pw_uid, user.pw_gid)
        subprocess.run(as_server_user([f"{PG_BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "agentio", "-E", "UTF8",
                                       "--no-sync"]), check=True, capture_output=True, timeout=300)
        self.log = open(os.path.join(self.tmp, "postgres.log"), "w")
        cmd = as_server_user([f"{PG_BIN}/postgres", "-D", self.data, "-p", str(self.port), "-k", self.data, "-c",
                              "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off", "-c",
                              "max_connections=200"])
        self.proc = subprocess.Popen(self.pinning.server(cmd), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while subprocess.run([f"{PG_BIN}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]).returncode != 0:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"postgres did not start: {open(self.log.name).read()[-2000:]}")
            time.sleep(0.1)
        return self

    def psql(self, sql):
        subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                        "-U", "agentio", "-d", "postgres", "-c", sql], check=True, capture_output=True, timeout=300)

    def url(self):
        return f"postgresql://agentio@127.0.0.1:{self.port}/postgres"

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(2)  # SIGINT: fast shutdown
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def pgbench(pinning, server, batch, ops, tmp):
    script = os.path.join(tmp, f"select_{batch}.sql")
    with open(script, "w") as f:
        f.write("\\set i random(1, 1000000)\n")
        if batch > 1:
            f.write("\\startpipeline\n")
        f.write("select :i::int;\n" * batch)
        if batch > 1:
            f.write("\\endpipeline\n")
    cmd = [f"{PG_BIN}/pgbench", "-n", "-M", "prepared", "-c", "1", "-j", "1", "-t", str(ops // batch), "-f", script,
           "-h", "127.0.0.1", "-p", str(server.port), "-U", "agentio", "postgres"]
    cpu0, server0 = children_cpu_seconds(), server_cpu_seconds(server.proc.pid)
    started = time.monotonic()
    out = subprocess.run(pinning.load(cmd), check=True, capture_output=True, text=True, timeout=900).stdout
    seconds = time.monotonic() - started
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out)
    if not m:
        raise RuntimeError(f"pgbench printed no tps: {out[-500:]}")
    return {"ops": ops, "ops_per_s": float(m.group(1)) * batch, "seconds": seconds,
            "process_cpu_seconds": children_cpu_seconds() - cpu0,
            "server_cpu_seconds": server_cpu_seconds(server.proc.pid) - server0}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default="build/release/bin")
    parser.add_argument("--out", default="docs/BENCHMARKS.md")
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=64)
    parser.add_argument("--py-connections", type=int, default=8)
    parser.add_argument("--embedding-ops", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    pinning = Pinning(not args.no_pin)
    started = time.monotonic()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = loadavg()
    samples = {}
    with tempfile.TemporaryDirectory(prefix="agentio-pg-bench-") as tmp, Postgres(pinning, tmp) as server:
        pid = server.proc.pid
        for round_ in range(args.rounds):
            for batch in BATCHES:
                print(f"round {round_ + 1}/{args.rounds}: batch {batch} ...", file=sys.stderr)
                ours = [os.path.join(args.bin, "pg_load"), "--url", server.url(), "--ops", str(args.ops), "--tasks",
                        str(args.tasks), "--batch", str(batch), "--connections", "1"]
                theirs = ["/usr/bin/python3", os.path.join(HERE, "pg_twin.py"), "--url", server.url(), "--ops",
                          str(args.ops), "--tasks", str(args.tasks), "--batch", str(batch), "--connections",
                          str(args.py_connections)]
                samples.setdefault(("agentio", batch), []).append(timed(pinning.load(ours), pid, timeout=900, reaped=True))
                samples.setdefault(("asyncpg", batch), []).append(timed(pinning.load(theirs), pid, timeout=900, reaped=True))
                samples.setdefault(("pgbench", batch), []).append(pgbench(pinning, server, batch, args.ops, tmp))
        server.psql(f"create table embeddings (id int primary key, embedding float4[]); "
                    f"insert into embeddings select i, array(select sin(i * {DIMENSIONS} + k)::float4 "
                    f"from generate_series(1, {DIMENSIONS}) k) from generate_series(1, {EMBEDDING_ROWS}) i")
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}/{args.rounds}: embeddings ...", file=sys.stderr)
            common = ["--url", server.url(), "--ops", str(args.embedding_ops), "--tasks", str(args.tasks), "--workload",
                      "embeddings", "--rows", str(EMBEDDING_ROWS)]
            for name, cmd in (("agentio binary", [os.path.join(args.bin, "pg_load")] + common + ["--connections", "1"]),
                              ("agentio text", [os.path.join(args.bin, "pg_load")] + common + ["--connections", "1", "--text"]),
                              ("asyncpg", ["/usr/bin/python3", os.path.join(HERE, "pg_twin.py")] + common +
                               ["--connections", str(args.py_connections)])):
                samples.setdefault((name, "embeddings"), []).append(timed(pinning.load(cmd), pid, timeout=900, reaped=True))
    section = render(args, date, load_before, loadavg(), time.monotonic() - started, samples, pinning)
    write_section(args.out, section, BEGIN, END)
    print(section)
    print(f"written to {args.out}", file=sys.stderr)


def render(args, date, load_before, load_after, elapsed, samples, pinning):
    def median(name, batch, key):
        return statistics.median(s[key] for s in samples[(name, batch)])

    def per_op_us(name, batch, key):
        return statistics.median(1e6 * s[key] / s["ops"] for s in samples[(name, batch)])

    pg_version = tool_version([f"{PG_BIN}/postgres", "--version"], r"([\d.]+)")
    py_version = tool_version(["/usr/bin/python3", "-c", "import asyncpg; print(asyncpg.__version__)"], r"([\d.]+)")
    lines = ["## PostgreSQL: agentio vs asyncpg vs pgbench", "",
             f"Recorded {date} on {machine()}; load average {load_before} before, {load_after} after; "
             f"{elapsed:.0f} s in all. Command: `./dev bench` (this section: `/usr/bin/python3 bench/compare/run_postgres.py "
             f"--bin build/release/bin --out docs/BENCHMARKS.md`).", "",
             f"One PostgreSQL {pg_version} (fsync off) and one client at a time, {args.ops:,} `select $1::int` each, every "
             f"answer checked: agentio's `pg::Connection` (`bench/pg_load.cpp`: {args.tasks} tasks sharing one connection "
             f"in pipeline mode), asyncpg {py_version} on uvloop (`bench/compare/pg_twin.py`: {args.tasks} tasks on a pool "
             f"of {args.py_connections} connections, since an asyncpg connection runs one query at a time), and `pgbench "
             f"-M prepared -c 1` (the C reference). \"1 at a time\": each task awaits each query; \"10 together\": each "
             f"task sends 10 in one round trip and awaits them together (agentio: a `pg::Pipeline`; pgbench: `\\startpipeline`; asyncpg "
             f"has no query pipeline and runs its 10 in turn on one borrowed connection). Median of {args.rounds} rounds, "
             f"clients taking turns; {'clients on CPU 0, the server on CPU 1' if pinning.enabled else 'no CPU pinning'}. "
             "CPU per query: the client process's user + system time (start-up included) and the server's (postmaster "
             "and backends), divided by the queries.", "",
             "| client | queries | queries/s | client CPU per query | server CPU per query |",
             "|---|---|---|---|---|"]
    for batch in BATCHES:
        label = "1 at a time" if batch == 1 else f"{batch} together"
        for name in ("agentio", "asyncpg", "pgbench"):
            lines.append(f"| {name} | {label} | {median(name, batch, 'ops_per_s'):,.0f} | "
                         f"{per_op_us(name, batch, 'process_cpu_seconds'):.2f} us | "
                         f"{per_op_us(name, batch, 'server_cpu_seconds'):.2f} us |")
    lines.append("")
    ours1, py1 = median("agentio", 1, "ops_per_s"), median("asyncpg", 1, "ops_per_s")
    ours10, bench10 = median("agentio", 10, "ops_per_s"), median("pgbench", 10, "ops_per_s")
    lines.append(f"**agentio / asyncpg = x{ours1 / py1:.1f}** (1 at a time; target >= x3: {'met' if ours1 >= 3 * py1 else 'NOT met'}); "
                 f"10 together: x{ours10 / median('asyncpg', 10, 'ops_per_s'):.1f}.")
    lines.append("")
    lines.append(f"**agentio / pgbench, pipelined = x{ours10 / bench10:.2f}** (target >= x0.8: "
                 f"{'met' if ours10 >= 0.8 * bench10 else 'NOT met'}); 1 at a time: "
                 f"x{ours1 / median('pgbench', 1, 'ops_per_s'):.2f} (pgbench's one connection waits for each answer).")
    lines.append("")
    lines += ["### Reading embeddings: binary and text results", "",
              f"A table of {EMBEDDING_ROWS:,} rows, each a `float4[{DIMENSIONS}]` embedding; {args.embedding_ops:,} "
              "`select embedding from embeddings where id = $1`, each read into floats (agentio: "
              "`get<std::vector<float>>`; asyncpg: a list of floats), same tasks and connections as above. agentio "
              "reads a prepared statement's results in binary format (the default) or, with "
              "`ConnectOptions{.binary_results = false}`, in text; asyncpg always asks for binary.", "",
              "| client | reads/s | client CPU per read | server CPU per read |",
              "|---|---|---|---|"]
    for name in ("agentio binary", "agentio text", "asyncpg"):
        lines.append(f"| {name} | {median(name, 'embeddings', 'ops_per_s'):,.0f} | "
                     f"{per_op_us(name, 'embeddings', 'process_cpu_seconds'):.1f} us | "
                     f"{per_op_us(name, 'embeddings', 'server_cpu_seconds'):.1f} us |")
    lines.append("")
    binary, text = median("agentio binary", "embeddings", "ops_per_s"), median("agentio text", "embeddings", "ops_per_s")
    lines.append(f"**binary / text = x{binary / text:.2f}** in reads/s; agentio binary / asyncpg = "
                 f"x{binary / median('asyncpg', 'embeddings', 'ops_per_s'):.1f}.")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
