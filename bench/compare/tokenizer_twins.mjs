// tokenizer_twins.mjs: tiktoken (WASM) and js-tiktoken (pure JS) on files,
// the references of bench/compare/run_tokenizer.py. Both come from
// tests/tokenizer/node_modules (./dev installs them).
//
//     node tokenizer_twins.mjs tiktoken|js-tiktoken ENCODING SECONDS FILE...
//
// Prints one JSON line per file, as bench/tokenizer_speed.cpp does.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/tokenizer/package.json'));
const [library, name, secondsArg, ...files] = process.argv.slice(2);
const budget = Number(secondsArg) * 1000;

let encode;
if (library === 'tiktoken') {
    const { get_encoding } = require('tiktoken');
    const encoding = get_encoding(name);
    encode = (text) => encoding.encode_ordinary(text).length;
} else if (library === 'js-tiktoken') {
    const { getEncoding } = require('js-tiktoken');
    const encoding = getEncoding(name);
    encode = (text) => encoding.encode(text, [], []).length;
} else {
    throw new Error(`unknown library ${library}`);
}

for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let start = performance.now();
    const tokens = encode(text);
    const first = performance.now() - start;
    let best = first;
    const began = performance.now();
    while (first < budget && performance.now() - began < budget) {
        start = performance.now();
        if (encode(text) !== tokens) throw new Error('a second encode gave another count');
        best = Math.min(best, performance.now() - start);
    }
    console.log(JSON.stringify({ file, bytes: Buffer.byteLength(text), tokens, first_s: first / 1000,
                                 tokens_per_s: tokens / (best / 1000) }));
}
