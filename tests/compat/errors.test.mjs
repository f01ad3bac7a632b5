// errors.test.mjs: what the official client makes of the simulator's errors
// and injected faults: the APIError subclass and fields from our error body,
// its retries of 5xx, and how broken or stalled streams end.
import assert from "node:assert/strict";
import { test } from "node:test";
import OpenAI from "openai";
import { client, withSim } from "./sim_process.mjs";

const request = { model: "sim-small", messages: [{ role: "user", content: "Tell me a story." }] };

const rejection = (promise) => promise.then((value) => assert.fail(`expected an error, got ${JSON.stringify(value)}`), (e) => e);

function assertErrorBody(error, status) {
    assert.ok(error instanceof OpenAI.APIError, `${error}`);
    assert.equal(error.status, status);
    assert.equal(typeof error.error?.message, "string");
    assert.ok(error.error.message.length > 0);
    assert.equal(typeof error.error.type, "string");
    // The client's own fields and message come from our body.
    assert.equal(error.type, error.error.type);
    assert.equal(error.code, error.error.code);
    assert.equal(error.message, `${status} ${error.error.message}`);
}

test("a wrong API key is a 401 AuthenticationError whose body does not echo the key", { timeout: 30_000 }, async () => {
    const rightKey = "sk-right-5f1e";
    const wrongKey = "sk-wrong-9c3a7d";
    await withSim(["--api-key", rightKey], async (sim) => {
        assert.ok(!sim.banner.includes(rightKey), "the banner does not print the key");
        const wrong = client(sim, { apiKey: wrongKey });
        const error = await rejection(wrong.chat.completions.create(request));
        assert.ok(error instanceof OpenAI.AuthenticationError, `${error}`);
        assertErrorBody(error, 401);
        assert.ok(!JSON.stringify(error.error).includes(wrongKey), `the body echoes the key: ${JSON.stringify(error.error)}`);
        assert.ok(!error.message.includes(wrongKey));
        assert.ok(!JSON.stringify(error.error).includes(rightKey));

        const models = await rejection(wrong.models.list());
        assert.ok(models instanceof OpenAI.AuthenticationError, `${models}`);
        const embeddings = await rejection(wrong.embeddings.create({ model: "sim-embed", input: "x" }));
        assert.ok(embeddings instanceof OpenAI.AuthenticationError, `${embeddings}`);

        const right = client(sim, { apiKey: rightKey });
        const completion = await right.chat.completions.create(request);
        assert.ok(completion.choices[0].message.content.length > 0);
    }).then((status) => {
        assert.ok(!status.stdout.includes(rightKey) && !status.stderr.includes(rightKey), "the key never printed");
    });
});

test("AGENTIO_SIM_API_KEY sets the key like --api-key", { timeout: 30_000 }, async () => {
    const key = "sk-from-env-77b2";
    await withSim([], async (sim) => {
        const error = await rejection(client(sim, { apiKey: "sk-other" }).models.list());
        assert.ok(error instanceof OpenAI.AuthenticationError, `${error}`);
        const page = await client(sim, { apiKey: key }).models.list();
        assert.ok(page.data.length > 0);
    }, { env: { AGENTIO_SIM_API_KEY: key } }).then((status) => {
        assert.ok(!status.stdout.includes(key) && !status.stderr.includes(key), "the key never printed");
    });
});

test("an injected 429 is a RateLimitError at once with maxRetries 0", { timeout: 30_000 }, async () => {
    await withSim(["--fault-429", "1"], async (sim) => {
        const error = await rejection(client(sim).chat.completions.create(request));
        assert.ok(error instanceof OpenAI.RateLimitError, `${error}`);
        assertErrorBody(error, 429);
    });
});

test("the client retries an injected 500 and then reports InternalServerError", { timeout: 30_000 }, async () => {
    await withSim(["--fault-500", "1"], async (sim) => {
        let attempts = 0;
        const counting = async (url, init) => {
            ++attempts;
            return fetch(url, init);
        };
        const error = await rejection(client(sim, { maxRetries: 1, fetch: counting }).chat.completions.create(request));
        assert.ok(error instanceof OpenAI.InternalServerError, `${error}`);
        assertErrorBody(error, 500);
        assert.equal(attempts, 2);
    });
});

test("an injected 503 is an InternalServerError with status 503", { timeout: 30_000 }, async () => {
    await withSim(["--fault-503", "1"], async (sim) => {
        const error = await rejection(client(sim).chat.completions.create(request));
        assert.ok(error instanceof OpenAI.InternalServerError, `${error}`);
        assertErrorBody(error, 503);
    });
});

// Reads a stream to its end or its error; returns the content and the error.
async function drain(stream) {
    let content = "";
    try {
        for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? "";
    } catch (error) {
        return { content, error };
    }
    return { content, error: null };
}

test("a stream reset midway ends the client's iteration with an error after some content", { timeout: 30_000 }, async () => {
    await withSim(["--fault-reset", "1"], async (sim) => {
        const stream = await client(sim).chat.completions.create({ ...request, stream: true });
        const { content, error } = await drain(stream);
        assert.ok(error, `the stream ended cleanly with ${JSON.stringify(content)}`);
        assert.ok(content.length > 0, "some content arrived before the reset");
    });
});

test("a malformed chunk ends the client's iteration with a parse error", { timeout: 30_000 }, async () => {
    await withSim(["--fault-malformed", "1"], async (sim) => {
        const stream = await client(sim).chat.completions.create({ ...request, stream: true });
        const { error } = await drain(stream);
        assert.ok(error, "the stream ended cleanly");
        // The client hands JSON.parse's error through.
        assert.ok(error instanceof SyntaxError, `${error}`);
    });
});

test("a stalled response runs into the client's timeout, and the simulator still stops cleanly", { timeout: 30_000 }, async () => {
    await withSim(["--fault-stall", "1"], async (sim) => {
        const error = await rejection(client(sim, { timeout: 500 }).chat.completions.create(request));
        assert.ok(error instanceof OpenAI.APIConnectionTimeoutError, `${error}`);
    });
});
