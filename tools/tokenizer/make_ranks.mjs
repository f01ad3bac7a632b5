// make_ranks.mjs: data/tokenizer/<encoding>.ranks.z from the npm tiktoken
// package's encoders/<encoding>.json (MIT).
//
// Run from tools/tokenizer after `npm ci`: node make_ranks.mjs
//
// The format, read by src/llm/tokenizer/ranks.cpp:
//   "AGTR" | u32 token count | u32 byte count of what follows, inflated |
//   zlib( for each rank from 0: u8 length, then that many bytes )
// Ranks are dense from 0 in both encodings, so a rank is its position.
import { readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

for (const name of ['o200k_base', 'cl100k_base']) {
    const source = JSON.parse(readFileSync(`node_modules/tiktoken/encoders/${name}.json`, 'utf8'));
    const tokens = [];
    // bpe_ranks: lines of "<ignored> <first rank> <base64 token> <base64 token> ...".
    for (const line of source.bpe_ranks.split('\n')) {
        if (!line) continue;
        const [, first, ...encoded] = line.split(' ');
        encoded.forEach((b64, i) => { tokens[Number(first) + i] = Buffer.from(b64, 'base64'); });
    }
    const parts = [];
    for (let rank = 0; rank < tokens.length; ++rank) {
        const token = tokens[rank];
        if (!token) throw new Error(`${name}: rank ${rank} is missing`);
        if (token.length > 255) throw new Error(`${name}: rank ${rank} is ${token.length} bytes`);
        parts.push(Buffer.from([token.length]), token);
    }
    const raw = Buffer.concat(parts);
    const header = Buffer.alloc(12);
    header.write('AGTR', 0, 'latin1');
    header.writeUInt32LE(tokens.length, 4);
    header.writeUInt32LE(raw.length, 8);
    writeFileSync(`../../data/tokenizer/${name}.ranks.z`, Buffer.concat([header, deflateSync(raw, { level: 9 })]));
    console.log(`${name}: ${tokens.length} tokens, special ${JSON.stringify(source.special_tokens)}`);
}
