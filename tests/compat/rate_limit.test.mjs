// rate_limit.test.mjs: the simulator's RPM limit as the official client sees
// it: real 429s with x-ratelimit-* headers, and a retry-after that the client
// waits out and after which its retry succeeds.
import assert from "node:assert/strict";
import { test } from "node:test";
import OpenAI from "openai";
import { client, withSim } from "./sim_process.mjs";

const RPM = 60;  // a bucket of 60, refilled at one request a second
const request = { model: "sim-small", messages: [{ role: "user", content: "hi" }], max_tokens: 1 };

// A fetch that records every response the client receives.
function recordingFetch(log) {
    return async (url, init) => {
        const started = performance.now();
        const response = await fetch(url, init);
        log.push({
            started,
            received: performance.now(),
            status: response.status,
            retryAfterMs: response.headers.get("retry-after-ms"),
            retryAfter: response.headers.get("retry-after"),
            limit: response.headers.get("x-ratelimit-limit-requests"),
            remaining: response.headers.get("x-ratelimit-remaining-requests"),
            reset: response.headers.get("x-ratelimit-reset-requests"),
        });
        return response;
    };
}

// Sends more requests than the bucket holds, at once. From a full bucket
// (`fresh`) exactly the limit passes, plus what refilled meanwhile.
async function exhaust(openai, fresh) {
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: RPM + 10 }, () => openai.chat.completions.create(request)));
    const seconds = (performance.now() - started) / 1000;
    const passed = results.filter((r) => r.status === "fulfilled").length;
    for (const r of results) {
        if (r.status === "rejected") {
            assert.ok(r.reason instanceof OpenAI.RateLimitError, `only 429s: ${r.reason}`);
            assert.equal(r.reason.status, 429);
        }
    }
    const refilled = Math.ceil(seconds * RPM / 60) + 1;
    const expected = fresh ? [RPM, RPM + refilled] : [0, refilled];
    assert.ok(passed >= expected[0] && passed <= expected[1],
        `${passed} of ${RPM + 10} passed in ${seconds.toFixed(2)} s with --rpm ${RPM} (expected ${expected})`);
}

test("the client waits out retry-after on a 429 and its retry succeeds", { timeout: 60_000 }, async (t) => {
    await withSim(["--rpm", String(RPM)], async (sim) => {
        const burst = client(sim);
        // The bucket may refill between the burst and the timed call; then burst again.
        for (let attempt = 0; attempt < 3; ++attempt) {
            await exhaust(burst, attempt === 0);
            const log = [];
            const openai = client(sim, { maxRetries: 3, fetch: recordingFetch(log) });
            const started = performance.now();
            const completion = await openai.chat.completions.create(request);
            const elapsed = performance.now() - started;
            if (log[0].status !== 429) continue;

            const [limited, retried] = log;
            assert.ok(limited.retryAfterMs !== null || limited.retryAfter !== null, "a 429 says when to retry");
            const announced = limited.retryAfterMs !== null ? Number(limited.retryAfterMs) : 1000 * Number(limited.retryAfter);
            assert.ok(announced > 0 && announced <= 1000 + 1, `retry after ${announced} ms with --rpm ${RPM}`);
            if (limited.retryAfter !== null)
                assert.ok(Number(limited.retryAfter) * 1000 >= announced, "retry-after (s) is not shorter than retry-after-ms");
            assert.equal(limited.limit, String(RPM));
            assert.equal(limited.remaining, "0");
            assert.ok(limited.reset, "x-ratelimit-reset-requests is set");

            t.diagnostic(`attempt ${attempt}: 429 with retry-after-ms ${limited.retryAfterMs}, retry-after ${limited.retryAfter}; ` +
                `retried after ${(retried.started - limited.received).toFixed(1)} ms; call took ${elapsed.toFixed(1)} ms`);
            // One wait of the announced length was enough.
            assert.equal(log.length, 2, `responses: ${log.map((r) => r.status)}`);
            assert.equal(retried.status, 200);
            // (timers may fire up to a millisecond early)
            assert.ok(retried.started - limited.received >= announced - 2,
                `retried ${(retried.started - limited.received).toFixed(1)} ms after a retry-after of ${announced} ms`);
            assert.ok(elapsed >= announced - 2, `the call took ${elapsed.toFixed(1)} ms`);
            assert.ok(completion.choices[0].message.content.length > 0);
            return;
        }
        assert.fail("the bucket refilled before every timed call");
    });
});

test("with maxRetries 0 a 429 surfaces as RateLimitError with the server's error body", { timeout: 30_000 }, async () => {
    await withSim(["--rpm", "1"], async (sim) => {
        const openai = client(sim);
        await openai.chat.completions.create(request);  // the bucket's only request
        const error = await openai.chat.completions.create(request).then(
            () => assert.fail("the second request within a minute passed --rpm 1"), (e) => e);
        assert.ok(error instanceof OpenAI.RateLimitError, `${error}`);
        assert.equal(error.status, 429);
        assert.equal(typeof error.error?.message, "string");
        assert.ok(error.error.message.length > 0);
        assert.equal(error.type, error.error.type);
        assert.equal(error.message, `429 ${error.error.message}`);
        // Nearly a minute to wait, announced in both forms.
        const ms = Number(error.headers.get("retry-after-ms") ?? NaN);
        const seconds = Number(error.headers.get("retry-after"));
        assert.ok(seconds >= 55 && seconds <= 60, `retry-after ${seconds}`);
        if (!Number.isNaN(ms)) assert.ok(ms > 55_000 && ms <= 60_000, `retry-after-ms ${ms}`);
        assert.equal(error.headers.get("x-ratelimit-limit-requests"), "1");
        assert.equal(error.headers.get("x-ratelimit-remaining-requests"), "0");
    });
});
