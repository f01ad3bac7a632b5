// mcp_calls.mjs: the TypeScript side of the MCP benchmark (run_mcp.py): the
// official SDK's Client calling one tool with IN_FLIGHT calls at once; the
// same arguments and output as bench/mcp_calls.cpp:
//
//     node mcp_calls.mjs http URL TOOL ARGUMENTS_JSON CALLS IN_FLIGHT SERVER_PID
//     node mcp_calls.mjs stdio TOOL ARGUMENTS_JSON CALLS IN_FLIGHT -- COMMAND ARGS...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The SDK pinned for the tests (tests/mcp/node_modules).
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "../../tests/mcp/package.json"));
const { Client } = await import(require.resolve("@modelcontextprotocol/sdk/client/index.js"));
const { StdioClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/stdio.js"));
const { StreamableHTTPClientTransport } = await import(require.resolve("@modelcontextprotocol/sdk/client/streamableHttp.js"));

function processCpuSeconds(pid) {
    try {
        const text = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
        return (Number(fields[11]) + Number(fields[12])) / 100;  // USER_HZ
    } catch {
        return 0;
    }
}

const args = process.argv.slice(2);
let transport, tool, toolArguments, calls, inFlight, serverPid;
if (args[0] === "http") {
    [, , tool] = args;
    transport = new StreamableHTTPClientTransport(new URL(args[1]));
    toolArguments = JSON.parse(args[3]);
    calls = Number(args[4]);
    inFlight = Number(args[5]);
    serverPid = Number(args[6]);
} else {
    tool = args[1];
    toolArguments = JSON.parse(args[2]);
    calls = Number(args[3]);
    inFlight = Number(args[4]);
    const command = args.slice(6);
    transport = new StdioClientTransport({ command: command[0], args: command.slice(1), stderr: "ignore" });
}
const client = new Client({ name: "bench", version: "1.0.0" });
await client.connect(transport);
if (args[0] !== "http") serverPid = transport.pid;

async function phase(name, count) {
    const latencies = [];
    let remaining = count;
    const cpuBefore = process.cpuUsage();
    const serverBefore = processCpuSeconds(serverPid);
    const start = performance.now();
    async function worker() {
        while (remaining > 0) {
            remaining--;
            const t0 = performance.now();
            const result = await client.callTool({ name: tool, arguments: toolArguments });
            if (result.isError) throw new Error(`the tool failed: ${JSON.stringify(result)}`);
            latencies.push(performance.now() - t0);
        }
    }
    await Promise.all(Array.from({ length: inFlight }, worker));
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    console.log(JSON.stringify({
        phase: name, calls: latencies.length, seconds, calls_per_s: latencies.length / seconds,
        p50_ms: at(0.5), p99_ms: at(0.99), client_cpu_s: (cpu.user + cpu.system) / 1e6,
        server_cpu_s: processCpuSeconds(serverPid) - serverBefore,
    }));
}

await phase("cold", Math.max(1, Math.floor(calls / 10)));
await phase("warm", calls);
await client.close();
