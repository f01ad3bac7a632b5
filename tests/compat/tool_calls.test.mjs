// tool_calls.test.mjs: parallel tool calls from a --script reply, as the
// official client sees them plain and streamed (assembled by index by hand,
// and by the client's own stream helper), with the exact arguments scripted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { client, tempFiles, withSim } from "./sim_process.mjs";

const WEATHER_ARGS = '{"city":"Paris","unit":"celsius"}';
const TIME_ARGS = '{"timezone":"Europe/Paris"}';

const tools = [
    {
        type: "function",
        function: {
            name: "get_weather",
            description: "Current weather in a city",
            parameters: {
                type: "object",
                properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
                required: ["city"],
            },
        },
    },
    {
        type: "function",
        function: {
            name: "get_time",
            description: "Current time in a time zone",
            parameters: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] },
        },
    },
];

const question = "What is the weather and the time in Paris?";
const request = { model: "sim-small", messages: [{ role: "user", content: question }], tools };

// One scripted reply: both tool calls, for the question above.
const script = [
    {
        match: { contains: "weather and the time" },
        reply: {
            tool_calls: [
                { name: "get_weather", arguments: WEATHER_ARGS },
                { name: "get_time", arguments: TIME_ARGS },
            ],
        },
    },
    {
        // The same calls, their deltas interleaved by index in a stream.
        match: { contains: "interleaved" },
        reply: {
            interleave: true,
            tool_calls: [
                { name: "get_weather", arguments: WEATHER_ARGS },
                { name: "get_time", arguments: TIME_ARGS },
            ],
        },
    },
    {
        match: { has_tool_results: true, contains: "18 degrees" },
        reply: { content: "It is 18 degrees in Paris and 14:05." },
    },
].map((line) => JSON.stringify(line)).join("\n") + "\n";

function assertToolCalls(toolCalls) {
    assert.ok(Array.isArray(toolCalls), `tool_calls: ${JSON.stringify(toolCalls)}`);
    assert.equal(toolCalls.length, 2);
    assert.deepEqual(toolCalls.map((call) => call.type), ["function", "function"]);
    assert.deepEqual(toolCalls.map((call) => call.function.name), ["get_weather", "get_time"]);
    assert.deepEqual(toolCalls.map((call) => call.function.arguments), [WEATHER_ARGS, TIME_ARGS]);
    for (const call of toolCalls) assert.ok(typeof call.id === "string" && call.id.length > 0, `id ${call.id}`);
    assert.notEqual(toolCalls[0].id, toolCalls[1].id);
}

// Assembles a stream's tool calls by index, checking each call's first delta.
async function assemble(stream) {
    const calls = [];
    const order = [];  // the index of every delta, in arrival order
    let finishReason = null;
    let argumentPieces = 0;
    for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (!choice) continue;
        for (const delta of choice.delta.tool_calls ?? []) {
            assert.ok(Number.isInteger(delta.index), `index ${delta.index}`);
            order.push(delta.index);
            if (!calls[delta.index]) {
                assert.ok(delta.id, "a call's first delta has its id");
                assert.equal(delta.type, "function");
                assert.ok(delta.function?.name, "a call's first delta has its name");
                calls[delta.index] = { id: delta.id, type: delta.type, function: { name: delta.function.name, arguments: "" } };
            }
            if (delta.function?.arguments) {
                calls[delta.index].function.arguments += delta.function.arguments;
                ++argumentPieces;
            }
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    return { calls, order, finishReason, argumentPieces };
}

test("scripted parallel tool calls arrive whole, plain and streamed", { timeout: 30_000 }, async () => {
    const files = tempFiles({ "replies.jsonl": script });
    try {
        await withSim(["--script", files.paths["replies.jsonl"]], async (sim) => {
            const openai = client(sim);

            const plain = await openai.chat.completions.create(request);
            const [choice] = plain.choices;
            assert.equal(choice.finish_reason, "tool_calls");
            assert.equal(choice.message.role, "assistant");
            assert.ok(!choice.message.content, `no text with the calls: ${choice.message.content}`);
            assertToolCalls(choice.message.tool_calls);

            // Streamed: each call's id, type and name come first, arguments in pieces by index.
            const streamed = await assemble(await openai.chat.completions.create({ ...request, stream: true }));
            assert.equal(streamed.finishReason, "tool_calls");
            assert.ok(streamed.argumentPieces >= 2, `arguments streamed in ${streamed.argumentPieces} pieces`);
            assertToolCalls(streamed.calls);
            // One call after the other, as the API streams them.
            assert.deepEqual(streamed.order, [...streamed.order].sort((a, b) => a - b), `delta order ${streamed.order}`);

            // The client's own helper assembles the same calls.
            const helper = openai.chat.completions.stream(request);
            const done = [];
            helper.on("tool_calls.function.arguments.done", (event) => done.push([event.name, event.arguments]));
            const final = await helper.finalChatCompletion();
            assert.equal(final.choices[0].finish_reason, "tool_calls");
            assertToolCalls(final.choices[0].message.tool_calls);
            assert.deepEqual(done, [["get_weather", WEATHER_ARGS], ["get_time", TIME_ARGS]]);

            // The tool results go back; the next scripted reply answers.
            const followUp = await openai.chat.completions.create({
                ...request,
                messages: [
                    ...request.messages,
                    choice.message,
                    { role: "tool", tool_call_id: choice.message.tool_calls[0].id, content: '{"temperature":"18 degrees"}' },
                    { role: "tool", tool_call_id: choice.message.tool_calls[1].id, content: '{"time":"14:05"}' },
                ],
            });
            assert.equal(followUp.choices[0].finish_reason, "stop");
            assert.equal(followUp.choices[0].message.content, "It is 18 degrees in Paris and 14:05.");
        });
    } finally {
        files.cleanup();
    }
});

test("interleaved tool-call deltas assemble by index, by hand and by the client's helper", { timeout: 30_000 }, async () => {
    const files = tempFiles({ "replies.jsonl": script });
    try {
        await withSim(["--script", files.paths["replies.jsonl"]], async (sim) => {
            const openai = client(sim);
            const interleaved = { ...request, messages: [{ role: "user", content: "Both tools, interleaved please." }] };
            const streamed = await assemble(await openai.chat.completions.create({ ...interleaved, stream: true }));
            assert.equal(streamed.finishReason, "tool_calls");
            assertToolCalls(streamed.calls);
            // Index 0 comes back after index 1 has started.
            assert.ok(streamed.order.lastIndexOf(0) > streamed.order.indexOf(1), `delta order ${streamed.order}`);

            const final = await openai.chat.completions.stream(interleaved).finalChatCompletion();
            assertToolCalls(final.choices[0].message.tool_calls);
        });
    } finally {
        files.cleanup();
    }
});
