// The official openai npm client consuming one streamed chat completion, the
// twin of `llm_workloads stream_consume`: every chunk parsed by the SDK and its
// content fragment collected, then joined. Prints one JSON line.
//     node bench/compare/openai_stream_consume.mjs URL
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { default: OpenAI } = await import(pathToFileURL(resolve(root, "tests/compat/node_modules/openai/index.mjs")).href);

const client = new OpenAI({ apiKey: "sk-bench", baseURL: process.argv[2], maxRetries: 0, timeout: 600_000 });
const start = performance.now();
const stream = await client.chat.completions.create({
  model: "sim-small",
  messages: [{ role: "user", content: "Question number 0: what is the capital of France?" }],
  stream: true,
  stream_options: { include_usage: true },
});
let chunks = 0;
const parts = [];
for await (const chunk of stream) {
  ++chunks;
  const content = chunk.choices[0]?.delta?.content;
  if (content) parts.push(content);
}
const text = parts.join("");
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ chunks, seconds, chunks_per_s: chunks / seconds, content_bytes: Buffer.byteLength(text) }));
