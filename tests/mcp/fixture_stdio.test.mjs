// fixture_stdio.test.mjs: the official MCP SDK client against the
// conformance fixture (examples/mcp_conformance_server, named by
// MCP_FIXTURE_BIN) over stdio, where the conformance suite itself only
// drives HTTP: resources and templates, prompts, completions, rich content,
// log messages, progress, and the server's own sampling and elicitation
// requests answered by the client's handlers mid-call.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import {
    CreateMessageRequestSchema,
    ElicitRequestSchema,
    LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const fixtureBin = process.env.MCP_FIXTURE_BIN;
if (!fixtureBin) throw new Error("MCP_FIXTURE_BIN must name the built mcp_conformance_server (ctest sets it)");

async function withFixture(body) {
    const client = new Client({ name: "sdk-test", version: "1.0.0" }, { capabilities: { sampling: {}, elicitation: {} } });
    await client.connect(new StdioClientTransport({ command: fixtureBin, args: ["--stdio"], stderr: "inherit" }));
    try {
        await body(client);
    } finally {
        await client.close();
    }
}

test("resources, templates, prompts and completions over stdio", { timeout: 60_000 }, async () => {
    await withFixture(async (client) => {
        const { resources } = await client.listResources();
        assert.deepEqual(resources.map((r) => r.uri), ["test://static-text", "test://static-binary", "test://watched-resource"]);
        const text = await client.readResource({ uri: "test://static-text" });
        assert.equal(text.contents[0].text, "This is the content of the static text resource.");
        const binary = await client.readResource({ uri: "test://static-binary" });
        assert.equal(binary.contents[0].mimeType, "image/png");
        assert.ok(Buffer.from(binary.contents[0].blob, "base64").subarray(1, 4).equals(Buffer.from("PNG")));
        const { resourceTemplates } = await client.listResourceTemplates();
        assert.equal(resourceTemplates[0].uriTemplate, "test://template/{id}/data");
        const templated = await client.readResource({ uri: "test://template/7/data" });
        assert.deepEqual(JSON.parse(templated.contents[0].text), { id: "7", templateTest: true, data: "Data for ID: 7" });
        await assert.rejects(client.readResource({ uri: "test://nothing" }), (error) => error.code === -32002);
        await client.subscribeResource({ uri: "test://watched-resource" });
        await client.unsubscribeResource({ uri: "test://watched-resource" });

        const { prompts } = await client.listPrompts();
        assert.equal(prompts.length, 4);
        const prompt = await client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "a", arg2: "b" } });
        assert.equal(prompt.messages[0].content.text, "Prompt with arguments: arg1='a', arg2='b'");
        await assert.rejects(client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "a" } }),
            (error) => error.code === -32602 && /arg2/.test(error.message));
        const completion = await client.complete({
            ref: { type: "ref/prompt", name: "test_prompt_with_arguments" },
            argument: { name: "arg1", value: "pa" },
        });
        assert.deepEqual(completion.completion.values, ["paris", "park", "party"]);
    });
});

test("rich content, logging and progress over stdio", { timeout: 60_000 }, async () => {
    await withFixture(async (client) => {
        const mixed = await client.callTool({ name: "test_multiple_content_types", arguments: {} });
        assert.deepEqual(mixed.content.map((block) => block.type), ["text", "image", "resource"]);
        const audio = await client.callTool({ name: "test_audio_content", arguments: {} });
        assert.equal(audio.content[0].mimeType, "audio/wav");

        const logs = [];
        client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => logs.push(note.params));
        await client.setLoggingLevel("info");
        await client.callTool({ name: "test_tool_with_logging", arguments: {} });
        assert.deepEqual(logs.map((log) => log.data), ["Tool execution started", "Tool processing data", "Tool execution completed"]);
        logs.length = 0;
        await client.setLoggingLevel("warning");
        await client.callTool({ name: "test_tool_with_logging", arguments: {} });
        assert.deepEqual(logs, []);

        const progress = [];
        await client.callTool({ name: "test_tool_with_progress", arguments: {} }, undefined,
            { onprogress: (note) => progress.push(note.progress) });
        // The server sends 0, 50, 100, then the answer (checked by hand on the
        // wire); the SDK handles a notification a microtask after a response
        // read in the same chunk, and by then has dropped the call's progress
        // handler: the last one may be lost on the client's side.
        assert.deepEqual(progress.slice(0, 2), [0, 50]);

        const failed = await client.callTool({ name: "test_error_handling", arguments: {} });
        assert.equal(failed.isError, true);
    });
});

test("the server's sampling and elicitation requests are answered mid-call over stdio", { timeout: 60_000 }, async () => {
    await withFixture(async (client) => {
        client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
            role: "assistant",
            content: { type: "text", text: `echo of ${request.params.messages[0].content.text}` },
            model: "test-model",
            stopReason: "endTurn",
        }));
        const sampled = await client.callTool({ name: "test_sampling", arguments: { prompt: "hello" } });
        assert.equal(sampled.content[0].text, "LLM response: echo of hello");

        client.setRequestHandler(ElicitRequestSchema, async (request) => {
            assert.deepEqual(request.params.requestedSchema.required, ["username", "email"]);
            return { action: "accept", content: { username: "ada", email: "ada@example.com" } };
        });
        const elicited = await client.callTool({ name: "test_elicitation", arguments: { message: "Who?" } });
        assert.equal(elicited.content[0].text, 'User response: action=accept, content={"username":"ada","email":"ada@example.com"}');
    });
});
