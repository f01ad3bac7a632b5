// chat.test.mjs: chat completions through the official client, plain and
// streamed, and the two agree (the simulator is deterministic per request
// and seed).
import assert from "node:assert/strict";
import { test } from "node:test";
import { client, withSim } from "./sim_process.mjs";

const request = {
    model: "sim-small",
    messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Name three prime numbers." },
    ],
};

function assertUsage(usage) {
    assert.ok(usage, "usage present");
    assert.ok(Number.isInteger(usage.prompt_tokens) && usage.prompt_tokens > 0, `prompt_tokens ${usage.prompt_tokens}`);
    assert.ok(Number.isInteger(usage.completion_tokens) && usage.completion_tokens > 0,
        `completion_tokens ${usage.completion_tokens}`);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
}

test("a chat completion has an assistant message and consistent usage", { timeout: 30_000 }, async () => {
    await withSim([], async (sim) => {
        const openai = client(sim);
        const completion = await openai.chat.completions.create(request);
        assert.equal(completion.object, "chat.completion");
        assert.equal(typeof completion.id, "string");
        assert.equal(completion.model, "sim-small");
        assert.equal(completion.choices.length, 1);
        const [choice] = completion.choices;
        assert.equal(choice.index, 0);
        assert.equal(choice.message.role, "assistant");
        assert.equal(typeof choice.message.content, "string");
        assert.ok(choice.message.content.length > 0, "content is not empty");
        assert.ok(["stop", "length"].includes(choice.finish_reason), `finish_reason ${choice.finish_reason}`);
        assertUsage(completion.usage);

        // The same request again: the same reply.
        const again = await openai.chat.completions.create(request);
        assert.equal(again.choices[0].message.content, choice.message.content);
        assert.deepEqual(again.usage, completion.usage);
    });
});

test("max_tokens caps the reply and ends it with finish_reason length", { timeout: 30_000 }, async () => {
    await withSim(["--min-tokens", "50", "--max-tokens", "60"], async (sim) => {
        const openai = client(sim);
        const capped = await openai.chat.completions.create({ ...request, max_tokens: 5 });
        assert.equal(capped.usage.completion_tokens, 5);
        assert.equal(capped.choices[0].finish_reason, "length");
        const uncapped = await openai.chat.completions.create(request);
        assert.ok(uncapped.usage.completion_tokens >= 50 && uncapped.usage.completion_tokens <= 60,
            `--min-tokens/--max-tokens: ${uncapped.usage.completion_tokens}`);
        assert.equal(uncapped.choices[0].finish_reason, "stop");
    });
});

test("a stream with include_usage gives the same content as the plain reply, then a usage chunk",
    { timeout: 30_000 }, async () => {
        await withSim(["--seed", "7"], async (sim) => {
            const openai = client(sim);
            const plain = await openai.chat.completions.create(request);

            const stream = await openai.chat.completions.create({
                ...request,
                stream: true,
                stream_options: { include_usage: true },
            });
            let content = "";
            let contentChunks = 0;
            let finishReason = null;
            let usage = null;
            let chunksAfterUsage = 0;
            const ids = new Set();
            for await (const chunk of stream) {
                assert.equal(chunk.object, "chat.completion.chunk");
                ids.add(chunk.id);
                if (usage) ++chunksAfterUsage;
                if (chunk.usage) {
                    // The usage chunk comes last and has no choices.
                    assert.deepEqual(chunk.choices, []);
                    usage = chunk.usage;
                    continue;
                }
                assert.equal(chunk.choices.length, 1);
                const [choice] = chunk.choices;
                if (choice.delta.content) {
                    content += choice.delta.content;
                    ++contentChunks;
                }
                if (choice.finish_reason) finishReason = choice.finish_reason;
            }
            assert.equal(ids.size, 1, "every chunk carries the completion's id");
            assert.ok(contentChunks > 1, `streamed in pieces (${contentChunks})`);
            assert.equal(content, plain.choices[0].message.content);
            assert.equal(finishReason, plain.choices[0].finish_reason);
            assert.ok(usage, "the usage chunk arrived");
            assert.equal(chunksAfterUsage, 0, "nothing after the usage chunk");
            assertUsage(usage);
            assert.deepEqual(usage, plain.usage);

            // Without include_usage no chunk carries usage.
            const bare = await openai.chat.completions.create({ ...request, stream: true });
            let bareContent = "";
            for await (const chunk of bare) {
                assert.ok(!chunk.usage, "no usage without include_usage");
                bareContent += chunk.choices[0]?.delta?.content ?? "";
            }
            assert.equal(bareContent, content);

            // The SDK's stream helper assembles the same completion.
            const helper = openai.chat.completions.stream({ ...request, stream_options: { include_usage: true } });
            const final = await helper.finalChatCompletion();
            assert.equal(final.choices[0].message.content, content);
            assert.deepEqual(final.usage, usage);
        });
    });

test("a different seed gives a different reply", { timeout: 30_000 }, async () => {
    const replies = [];
    for (const seed of ["1", "2"]) {
        await withSim(["--seed", seed], async (sim) => {
            const completion = await client(sim).chat.completions.create(request);
            replies.push(completion.choices[0].message.content);
        });
    }
    assert.notEqual(replies[0], replies[1]);
});
