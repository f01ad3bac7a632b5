#!/usr/bin/python3
"""aiohttp twins of the HTTP benchmarks run by bench/compare/run_http.py.

client: the same load as bench/http_client_load.cpp: --connections tasks
  share one ClientSession (TCPConnector(limit=--connections)), each looping
  GET --url and reading the whole body; the first --warmup seconds are not
  counted, the next --duration are. Prints the same JSON line:
    {"requests", "errors", "seconds", "req_per_s", "cpu_us_per_req", "connections", "first_error"}
  (cpu_us_per_req: this process's user + system CPU time over the window, per request)
server: the same GET / as examples/http_server ("Hello from agentio\\n",
  text/plain; charset=utf-8), no access log. Prints
  "listening on http://HOST:PORT" once it accepts; runs until SIGTERM/SIGINT.

Both run on uvloop (the fastest loop aiohttp has), as agentio's users would
deploy it.

    /usr/bin/python3 bench/compare/http_twins.py client --url URL [--connections 64] [--duration 5] [--warmup 1]
    /usr/bin/python3 bench/compare/http_twins.py server [--host 127.0.0.1] [--port 0]
"""
import argparse
import asyncio
import json
import resource
import signal
import sys
import time

import aiohttp
import uvloop
from aiohttp import web

BODY = "Hello from agentio\n"


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def client(url, connections, duration, warmup):
    state = {"stop": False, "requests": 0, "errors": 0, "first_error": ""}

    async def worker(session):
        while not state["stop"]:
            try:
                async with session.get(url) as response:
                    await response.read()
                    if 200 <= response.status < 300:
                        state["requests"] += 1
                        continue
                    error = f"status {response.status}"
            except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as e:
                error = repr(e)
            if state["errors"] == 0:
                state["first_error"] = error
            state["errors"] += 1
            if state["errors"] > 1000 and state["requests"] == 0:
                state["stop"] = True  # the server is not there: do not spin

    # No proxy from the environment, no total timeout: the twin of the C++
    # client's configuration.
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, trust_env=False,
                                     timeout=aiohttp.ClientTimeout(total=None)) as session:
        workers = [asyncio.create_task(worker(session)) for _ in range(connections)]
        await asyncio.sleep(warmup)
        requests0, errors0, start, cpu0 = state["requests"], state["errors"], time.monotonic(), cpu_seconds()
        await asyncio.sleep(duration)
        cpu = cpu_seconds() - cpu0
        seconds = time.monotonic() - start
        window = state["requests"] - requests0, state["errors"] - errors0
        state["stop"] = True
        await asyncio.gather(*workers)
    print(json.dumps({"requests": window[0], "errors": window[1], "seconds": round(seconds, 3),
                      "req_per_s": round(window[0] / seconds, 1),
                      "cpu_us_per_req": round(cpu * 1e6 / window[0], 3) if window[0] else 0.0,
                      "connections": connections,
                      "first_error": state["first_error"]}), flush=True)
    return 0 if window[0] > 0 else 1


async def server(host, port):
    async def hello(_request):
        return web.Response(text=BODY)  # text/plain; charset=utf-8

    app = web.Application()
    app.router.add_get("/", hello)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # the port picked when --port 0
    print(f"listening on http://{host}:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await runner.cleanup()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    c = sub.add_parser("client")
    c.add_argument("--url", required=True)
    c.add_argument("--connections", type=int, default=64)
    c.add_argument("--duration", type=float, default=5)
    c.add_argument("--warmup", type=float, default=1)
    s = sub.add_parser("server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    uvloop.install()
    if args.mode == "client":
        return asyncio.run(client(args.url, args.connections, args.duration, args.warmup))
    return asyncio.run(server(args.host, args.port))


if __name__ == "__main__":
    sys.exit(main())
