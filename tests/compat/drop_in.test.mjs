// drop_in.test.mjs: the simulator as a drop-in for an app written for the
// real API, through the official client with its usual model names: any
// model is served and echoed, embeddings are lexical, a json_schema
// response_format gets JSON that validates, n gives n choices, and a
// --models restriction 404s other names as the API does.
import assert from "node:assert/strict";
import { test } from "node:test";
import OpenAI from "openai";
import { client, withSim } from "./sim_process.mjs";

const question = [{ role: "user", content: "Describe a fictional person." }];

test("gpt-4o-mini is served and echoed, plain and streamed", { timeout: 30_000 }, async () => {
    await withSim([], async (sim) => {
        const openai = client(sim);
        const completion = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: question });
        assert.equal(completion.model, "gpt-4o-mini");
        assert.ok(completion.choices[0].message.content.length > 0);

        const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: question, stream: true });
        let content = "";
        for await (const chunk of stream) {
            assert.equal(chunk.model, "gpt-4o-mini");
            content += chunk.choices[0]?.delta?.content ?? "";
        }
        assert.equal(content, completion.choices[0].message.content);

        const ids = [];
        for await (const model of openai.models.list()) ids.push(model.id);
        for (const name of ["gpt-4o-mini", "text-embedding-3-small", "sim-small"]) assert.ok(ids.includes(name), `${name} in ${ids}`);
        const model = await openai.models.retrieve("gpt-4o-mini");
        assert.equal(model.id, "gpt-4o-mini");
    });
});

const dot = (a, b) => a.reduce((sum, x, i) => sum + x * b[i], 0);

test("text-embedding-3-small embeds lexically: texts sharing words are closer", { timeout: 30_000 }, async () => {
    await withSim([], async (sim) => {
        const openai = client(sim);
        const documents = [
            "The Eiffel Tower is a wrought-iron tower in Paris.",
            "Photosynthesis turns sunlight and water into sugar in plants.",
            "A token bucket limits the rate of requests to an API.",
        ];
        // The client's default encoding (base64), decoded by the client.
        const docs = await openai.embeddings.create({ model: "text-embedding-3-small", input: documents });
        assert.equal(docs.model, "text-embedding-3-small");
        assert.equal(docs.data.length, 3);
        for (const item of docs.data) {
            assert.equal(item.embedding.length, 384);
            assert.ok(Math.abs(Math.sqrt(dot(item.embedding, item.embedding)) - 1) < 1e-4);
        }
        const queries = ["How tall is the Eiffel tower in Paris?", "How do plants use sunlight?", "What limits the rate of API requests?"];
        const asked = await openai.embeddings.create({ model: "text-embedding-3-small", input: queries, dimensions: 256 });
        const narrow = await openai.embeddings.create({ model: "text-embedding-3-small", input: documents, dimensions: 256 });
        queries.forEach((query, q) => {
            const scores = narrow.data.map((doc) => dot(asked.data[q].embedding, doc.embedding));
            const best = scores.indexOf(Math.max(...scores));
            assert.equal(best, q, `"${query}" finds document ${best} (scores ${scores})`);
        });
    });
});

const personSchema = {
    type: "object",
    additionalProperties: false,
    required: ["name", "age", "email", "role", "skills", "manager"],
    properties: {
        name: { type: "string", minLength: 1 },
        age: { type: "integer", minimum: 18, maximum: 99 },
        email: { type: "string", format: "email" },
        role: { type: "string", enum: ["engineer", "designer", "manager"] },
        skills: { type: "array", minItems: 1, maxItems: 4, items: { type: "string" } },
        manager: { anyOf: [{ $ref: "#/$defs/ref" }, { type: "null" }] },
    },
    $defs: {
        ref: {
            type: "object",
            additionalProperties: false,
            required: ["id"],
            properties: { id: { type: "string", pattern: "^E-\\d{4}$" } },
        },
    },
};

// The schema above, checked field by field.
function assertPerson(person) {
    assert.equal(typeof person, "object");
    assert.deepEqual(Object.keys(person), ["name", "age", "email", "role", "skills", "manager"]);
    assert.equal(typeof person.name, "string");
    assert.ok(person.name.length >= 1);
    assert.ok(Number.isInteger(person.age) && person.age >= 18 && person.age <= 99, `age ${person.age}`);
    assert.match(person.email, /^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    assert.ok(["engineer", "designer", "manager"].includes(person.role), `role ${person.role}`);
    assert.ok(Array.isArray(person.skills) && person.skills.length >= 1 && person.skills.length <= 4);
    for (const skill of person.skills) assert.equal(typeof skill, "string");
    if (person.manager !== null) {
        assert.deepEqual(Object.keys(person.manager), ["id"]);
        assert.match(person.manager.id, /^E-\d{4}$/);
    }
}

const personFormat = { type: "json_schema", json_schema: { name: "person", strict: true, schema: personSchema } };

test("a json_schema response_format gets JSON that parses and validates, plain, streamed and parsed by the SDK",
    { timeout: 30_000 }, async () => {
        await withSim([], async (sim) => {
            const openai = client(sim);
            const completion = await openai.chat.completions.create({
                model: "gpt-4o-mini", messages: question, response_format: personFormat,
            });
            assert.equal(completion.choices[0].finish_reason, "stop");
            const person = JSON.parse(completion.choices[0].message.content);
            assertPerson(person);

            const stream = await openai.chat.completions.create({
                model: "gpt-4o-mini", messages: question, response_format: personFormat, stream: true,
            });
            let content = "";
            let chunks = 0;
            for await (const chunk of stream) {
                const piece = chunk.choices[0]?.delta?.content;
                if (piece) {
                    content += piece;
                    ++chunks;
                }
            }
            assert.ok(chunks > 1, "streamed in pieces");
            assert.equal(content, completion.choices[0].message.content);

            const parsed = await openai.chat.completions.parse({
                model: "gpt-4o-mini", messages: question, response_format: personFormat,
            });
            assertPerson(parsed.choices[0].message.parsed);

            const object = await openai.chat.completions.create({
                model: "gpt-4o-mini", messages: question, response_format: { type: "json_object" },
            });
            const value = JSON.parse(object.choices[0].message.content);
            assert.equal(typeof value, "object");
            assert.ok(value !== null && !Array.isArray(value));
        });
    });

test("a schema no value satisfies is a 400 naming response_format", { timeout: 30_000 }, async () => {
    await withSim([], async (sim) => {
        const bad = { type: "json_schema", json_schema: { name: "bad", schema: { type: "integer", minimum: 5, maximum: 1 } } };
        await assert.rejects(
            client(sim).chat.completions.create({ model: "gpt-4o-mini", messages: question, response_format: bad }),
            (error) => {
                assert.ok(error instanceof OpenAI.BadRequestError, `${error}`);
                assert.equal(error.status, 400);
                assert.equal(error.param, "response_format");
                assert.match(error.message, /Invalid schema for response_format 'bad'/);
                return true;
            });
    });
});

test("n: 2 gives two choices with their own content, plain and streamed", { timeout: 30_000 }, async () => {
    await withSim([], async (sim) => {
        const openai = client(sim);
        const completion = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: question, n: 2 });
        assert.equal(completion.choices.length, 2);
        assert.deepEqual(completion.choices.map((choice) => choice.index), [0, 1]);
        assert.notEqual(completion.choices[0].message.content, completion.choices[1].message.content);

        const stream = await openai.chat.completions.create({
            model: "gpt-4o-mini", messages: question, n: 2, stream: true, stream_options: { include_usage: true },
        });
        const contents = ["", ""];
        let usage = null;
        for await (const chunk of stream) {
            if (chunk.usage) usage = chunk.usage;
            for (const choice of chunk.choices) contents[choice.index] += choice.delta?.content ?? "";
        }
        assert.deepEqual(contents, completion.choices.map((choice) => choice.message.content));
        assert.deepEqual(usage, completion.usage);

        // The SDK's stream helper assembles both choices.
        const helper = openai.chat.completions.stream({ model: "gpt-4o-mini", messages: question, n: 2 });
        const final = await helper.finalChatCompletion();
        assert.deepEqual(final.choices.map((choice) => choice.message.content), contents);

        // Two schema-valid people.
        const people = await openai.chat.completions.create({
            model: "gpt-4o-mini", messages: question, n: 2, response_format: personFormat,
        });
        for (const choice of people.choices) assertPerson(JSON.parse(choice.message.content));
    });
});

test("--models restricts the names served: another one is 404 model_not_found through the client", { timeout: 30_000 }, async () => {
    await withSim(["--models", "gpt-4o-mini,text-embedding-3-small"], async (sim) => {
        const openai = client(sim);
        const ok = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: question });
        assert.equal(ok.model, "gpt-4o-mini");
        await assert.rejects(openai.chat.completions.create({ model: "gpt-4o", messages: question }), (error) => {
            assert.ok(error instanceof OpenAI.NotFoundError, `${error}`);
            assert.equal(error.status, 404);
            assert.equal(error.code, "model_not_found");
            assert.match(error.message, /gpt-4o/);
            return true;
        });
        await assert.rejects(openai.embeddings.create({ model: "text-embedding-3-large", input: "x" }),
            (error) => error instanceof OpenAI.NotFoundError);
        const page = await openai.models.list();
        assert.deepEqual(page.data.map((model) => model.id), ["gpt-4o-mini", "text-embedding-3-small"]);
    });
});

test("--model-profile gives one model its own latency", { timeout: 30_000 }, async () => {
    await withSim(["--model-profile", "slow-model:400ms,1ms"], async (sim) => {
        assert.match(sim.banner, /slow-model: ttft 400ms itl 1ms/);
        const openai = client(sim);
        const request = { messages: question, max_tokens: 2 };
        let started = performance.now();
        await openai.chat.completions.create({ model: "slow-model", ...request });
        const slow = performance.now() - started;
        assert.ok(slow >= 400 * 0.8 - 5, `slow-model took ${slow} ms`);  // the spread is 20%
        started = performance.now();
        await openai.chat.completions.create({ model: "gpt-4o-mini", ...request });
        const fast = performance.now() - started;
        assert.ok(fast < slow, `gpt-4o-mini (${fast} ms) keeps the default latency`);
    });
});
