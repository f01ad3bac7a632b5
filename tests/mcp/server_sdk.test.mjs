// server_sdk.test.mjs: the official MCP SDK client against our server, over
// stdio and Streamable HTTP: handshake, tools/list, tools/call, a tool
// execution error, an unknown tool, cancellation by AbortSignal, session end.
import assert from "node:assert/strict";
import { test } from "node:test";
import { withHttpClient, withStdioClient } from "./server_process.mjs";

async function checkTools(client) {
    assert.equal(client.getServerVersion().name, "agentio-example");
    assert.match(client.getInstructions() ?? "", /Arithmetic/);
    assert.deepEqual(client.getServerCapabilities().tools, { listChanged: false });

    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name), ["add", "echo", "wait"]);
    const add = tools[0];
    assert.equal(add.description, "Adds two numbers");
    assert.equal(add.inputSchema.type, "object");
    assert.deepEqual(Object.keys(add.inputSchema.properties).sort(), ["a", "b"]);

    const sum = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
    assert.deepEqual(sum, { content: [{ type: "text", text: "42.0" }], isError: false });
    const echo = await client.callTool({ name: "echo", arguments: { text: "héllo, wörld" } });
    assert.equal(echo.content[0].text, "héllo, wörld");

    const invalid = await client.callTool({ name: "add", arguments: { a: "two", b: 1 } });
    assert.equal(invalid.isError, true);
    assert.match(invalid.content[0].text, /a/);

    await assert.rejects(client.callTool({ name: "no-such-tool", arguments: {} }),
        (error) => error.code === -32602 && /Unknown tool: no-such-tool/.test(error.message));
}

async function checkCancellation(client) {
    const controller = new AbortController();
    const call = client.callTool({ name: "wait", arguments: { seconds: 600 } }, undefined,
        { signal: controller.signal, timeout: 60_000 });
    setTimeout(() => controller.abort("the test gave up"), 100);
    await assert.rejects(call);
    // The server is still answering after the cancellation.
    await client.ping();
    const echo = await client.callTool({ name: "echo", arguments: { text: "after" } });
    assert.equal(echo.content[0].text, "after");
}

test("the SDK client lists and calls our tools over stdio", { timeout: 60_000 }, async () => {
    await withStdioClient(async (client) => {
        await checkTools(client);
        await checkCancellation(client);
    });
});

test("the SDK client lists and calls our tools over Streamable HTTP", { timeout: 60_000 }, async () => {
    await withHttpClient(async (client, url, transport) => {
        assert.match(transport.sessionId ?? "", /^[0-9a-f]{32}$/);
        await checkTools(client);
        await checkCancellation(client);

        // Ending the session: the server forgets it and answers 404 after.
        const sessionId = transport.sessionId;
        await transport.terminateSession();
        const after = await fetch(url, {
            method: "POST",
            headers: {
                "content-type": "application/json",
                accept: "application/json, text/event-stream",
                "mcp-session-id": sessionId,
            },
            body: JSON.stringify({ jsonrpc: "2.0", id: 99, method: "ping" }),
        });
        assert.equal(after.status, 404);
    });
});
