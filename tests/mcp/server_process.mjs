// server_process.mjs: the example MCP server (examples/mcp_server.cpp, named by
// MCP_SERVER_BIN) for the SDK client tests, over stdio or Streamable HTTP,
// always stopped afterwards; and an SDK Client connected to it.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export const serverBin = process.env.MCP_SERVER_BIN;
if (!serverBin) throw new Error("MCP_SERVER_BIN must name the built mcp_server example (ctest sets it)");

function newClient() {
    return new Client({ name: "sdk-test", version: "1.0.0" });
}

// Runs `body(client)` with an SDK client on the server's stdin/stdout.
export async function withStdioClient(body) {
    const client = newClient();
    await client.connect(new StdioClientTransport({ command: serverBin, args: [], stderr: "inherit" }));
    try {
        await body(client);
    } finally {
        await client.close();
    }
}

// Starts the server with --http 0 and reads the endpoint URL it prints first.
async function startHttpServer() {
    const child = spawn(serverBin, ["--http", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const [url] = await Promise.race([
        once(lines, "line"),
        once(child, "exit").then(([code]) => { throw new Error(`mcp_server --http exited with ${code}`); }),
    ]);
    clearTimeout(timer);
    return { child, url };
}

// Runs `body(client, url)` with an SDK client over Streamable HTTP.
export async function withHttpClient(body) {
    const { child, url } = await startHttpServer();
    try {
        const client = newClient();
        const transport = new StreamableHTTPClientTransport(new URL(url));
        await client.connect(transport);
        try {
            await body(client, url, transport);
        } finally {
            await client.close();
        }
    } finally {
        child.kill("SIGTERM");
        await once(child, "exit");
    }
}
