// embeddings_models.test.mjs: /v1/embeddings and /v1/models through the
// official client. The client asks for base64 embeddings unless told
// otherwise, so both encodings are checked, and against each other.
import assert from "node:assert/strict";
import { test } from "node:test";
import { client, withSim } from "./sim_process.mjs";

const norm = (vector) => Math.sqrt(Array.from(vector).reduce((sum, x) => sum + x * x, 0));

test("embeddings are deterministic, of the requested dimension and unit norm", { timeout: 30_000 }, async () => {
    await withSim([], async (sim) => {
        const openai = client(sim);
        const input = ["the quick brown fox", "jumps over the lazy dog"];
        const floats = await openai.embeddings.create({
            model: "sim-embed", input, dimensions: 64, encoding_format: "float",
        });
        assert.equal(floats.object, "list");
        assert.equal(floats.model, "sim-embed");
        assert.equal(floats.data.length, 2);
        floats.data.forEach((item, i) => {
            assert.equal(item.object, "embedding");
            assert.equal(item.index, i);
            assert.equal(item.embedding.length, 64);
            assert.ok(Math.abs(norm(item.embedding) - 1) < 1e-4, `norm ${norm(item.embedding)}`);
        });
        assert.notDeepEqual(floats.data[0].embedding, floats.data[1].embedding);
        assert.ok(floats.usage.prompt_tokens > 0);
        assert.equal(floats.usage.total_tokens, floats.usage.prompt_tokens);

        const again = await openai.embeddings.create({
            model: "sim-embed", input, dimensions: 64, encoding_format: "float",
        });
        assert.deepEqual(again.data, floats.data);

        // The client's default: base64 of little-endian float32, decoded by the client.
        const decoded = await openai.embeddings.create({ model: "sim-embed", input, dimensions: 64 });
        assert.equal(decoded.data.length, 2);
        decoded.data.forEach((item, i) => {
            assert.equal(item.embedding.length, 64);
            item.embedding.forEach((x, j) =>
                assert.ok(Math.abs(x - floats.data[i].embedding[j]) < 1e-6, `base64 [${i}][${j}] ${x}`));
        });

        // One string, and the server's default dimension.
        const single = await openai.embeddings.create({
            model: "sim-embed", input: "the quick brown fox", encoding_format: "float",
        });
        assert.equal(single.data.length, 1);
        assert.equal(single.data[0].embedding.length, 384);
        assert.ok(Math.abs(norm(single.data[0].embedding) - 1) < 1e-4);
    });
});

test("models.list names the simulator's and the common models, or those of --models", { timeout: 30_000 }, async () => {
    await withSim([], async (sim) => {
        const openai = client(sim);
        const ids = [];
        for await (const model of openai.models.list()) {
            assert.equal(model.object, "model");
            assert.equal(typeof model.owned_by, "string");
            assert.ok(Number.isInteger(model.created));
            ids.push(model.id);
        }
        for (const name of ["sim-embed", "sim-large", "sim-small", "gpt-4o-mini", "text-embedding-3-small"])
            assert.ok(ids.includes(name), `${name} in ${ids}`);
    });
    await withSim(["--models", "sim-small,sim-embed"], async (sim) => {
        const ids = [];
        for await (const model of client(sim).models.list()) ids.push(model.id);
        assert.deepEqual(ids, ["sim-small", "sim-embed"]);
    });
});
