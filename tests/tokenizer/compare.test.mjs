// compare.test.mjs: agentio's tokenizer gives tiktoken's ids, on every text.
//
// tiktoken 1.0.22 (its WASM build, pinned in package-lock.json) encodes a
// corpus of prose, code, many scripts, pathological runs and thousands of
// random strings drawn from every character class the split patterns ask
// about; TOKENIZE_LINES_BIN (tokenize_lines.cpp) encodes the same texts with
// agentio. Every text must give identical ids in both encodings, and
// agentio's count() must equal the length of its ids.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { once } from 'node:events';

const require = createRequire(import.meta.url);
const { get_encoding } = require('tiktoken');

const binary = process.env.TOKENIZE_LINES_BIN;
assert.ok(binary, 'TOKENIZE_LINES_BIN names the tokenize_lines program');

// A seeded generator, so a failure reproduces.
function mulberry32(seed) {
    return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
const random = mulberry32(20261206);
const pick = (items) => items[Math.floor(random() * items.length)];
const range = (from, to) => String.fromCodePoint(from + Math.floor(random() * (to - from + 1)));

const fixed = [
    '',
    'hello world',
    'The quick brown fox jumps over the lazy dog. It\'s 3:45pm; we\'ll leave at 17:00 (or so).',
    "I'M HERE, YOU'RE THERE, THEY'LL COME, SHE'D KNOW, IT'S FINE, WE'VE GONE, I'm, i'M, 'S 'T 'Re 'vE",
    "don\u2019t won\u2019t can't o'clock rock'n'roll 's 'sa ''s 'ſ Xſ x'ſ x'ſt",
    'HTTPServer XMLHttpRequest getHTTPResponseCode McDonald\'s iPhone eBay ÉCOLE École ǅemal ǈ ǋ',
    'def fib(n):\n    """Return the n-th Fibonacci number."""\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n',
    'int main(int argc, char** argv) {\n\tstd::vector<int> v{1, 2, 3};\n\treturn v.size() > 2 ? 0 : 1;\n}\r\n',
    '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hi!\\n"}], "temperature": 0.7}',
    'https://example.com/a/b/c?x=1&y=2#frag a/b/\n/\n//\r\n/ ./../ -->\n\n<!-- -->',
    '机器学习是人工智能的一个分支。我们今天去公园散步，天气很好！东京都は日本の首都です。カタカナとひらがな。',
    '한국어 텍스트입니다. 안녕하세요, 세계! 123개의 사과',
    'مرحبا بالعالم! هٰذَا نَصٌّ عَرَبِيٌّ مُشَكَّلٌ. ١٢٣٤٥٦٧',
    'नमस्ते दुनिया। यह हिंदी पाठ है। ०१२३४५६७८९ क्षत्रिय',
    'สวัสดีชาวโลก ภาษาไทยไม่มีช่องว่างระหว่างคำ',
    'Ελληνικά: Καλημέρα κόσμε! ΑΒΓ αβγ ς Русский: Привет, мир! ПРИВЕТ Ёё',
    'emoji: 🙂🙂🙂 👨‍👩‍👧‍👦 🇫🇷🇯🇵 ❤️ 👍🏽 🏳️‍🌈 a🙂b 1🙂2',
    'e\u0301cole cafe\u0301 n\u0303 a\u0308\u0304 \u0301\u0302 x \u0301 \u20dd\u20dd',
    'digits 1 12 123 1234 12345 123456 3.14159 -42 1e10 0x1F ½ ² ³ Ⅻ ⅷ ①②③ ١٢٣ ߁߂',
    'spaces:  two   three    four\ttab\t\ttabs \u00a0nbsp \u3000ideographic \u2028line \u2029para \u0085nel \x0bvt \x0cff',
    'lines\n\n\n three\r\n\r\n two  \n  \n\t\n end   ',
    '   leading and trailing   ',
    '\n',
    ' ',
    '  ',
    ' \n',
    '\n ',
    'a \n b',
    '<|endoftext|> <|endofprompt|> <|fim_prefix|> are text here',
    '\u0000\u0001\u001f\u007f control \u200b\u200c\u200d\ufeff format',
    'Ⓐⓑ ℌ ℍ ℎ ℏ ℓ № ™ Ω ℧ K Å ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ',
    '\u{1d400}\u{1d41a} mathematical \u{10400}\u{10428} deseret \u{1e900}\u{1e922} adlam',
    '\u{e000}\u{f8ff}\u{f0000} private use \u{10ffff} \u{fffe} \u{378} unassigned',
];

// Long runs, each a single piece or thousands of them. (tiktoken merges a
// piece in quadratic time, so these stay at tens of thousands of bytes; the
// benchmark measures agentio on longer ones.)
const pathological = [
    'a'.repeat(20000),
    ' '.repeat(20000),
    ' '.repeat(10000) + 'x',
    '\n'.repeat(10000),
    '\t \n'.repeat(5000),
    '1'.repeat(30000),
    '٣'.repeat(10000),
    'ab'.repeat(8000),
    'Ab'.repeat(8000),
    '🙂'.repeat(4000),
    '中'.repeat(8000),
    '!'.repeat(20000),
    '.\n'.repeat(20000),
    "'s".repeat(20000),
    'x'.repeat(5000) + ' ' + 'y'.repeat(5000),
    Array.from({ length: 2000 }, (_, i) => String(i * 7919)).join(''),
];

// Random strings from pools that cover every class and every boundary the
// patterns have.
const pools = [
    () => range(0x61, 0x7a),                       // a-z
    () => range(0x41, 0x5a),                       // A-Z
    () => range(0x30, 0x39),                       // 0-9
    () => pick([' ', ' ', ' ', '\n', '\r', '\t', '\u00a0', '\u3000', '\u2028', '\x0b', '\x0c', '\u0085', '\u2009']),
    () => pick(['\'', '\'s', '\'t', '\'re', '\'ve', '\'m', '\'ll', '\'d', '\'S', '\'LL', '\'ſ', '\u2019']),
    () => pick('.,;:!?-_/\\()[]{}<>"#$%&*+=@^`|~'.split('')),
    () => range(0xc0, 0x24f),                      // Latin-1 and Extended: mostly Lu/Ll
    () => pick(['ǅ', 'ǈ', 'ǋ', 'ǲ', 'ᾈ', 'ᾼ']),   // Lt
    () => range(0x2b0, 0x2ff),                     // modifier letters (Lm) and symbols
    () => range(0x300, 0x36f),                     // combining marks
    () => range(0x391, 0x3c9),                     // Greek
    () => range(0x400, 0x4ff),                     // Cyrillic
    () => range(0x600, 0x6ff),                     // Arabic, with marks and digits
    () => range(0x900, 0x97f),                     // Devanagari, with marks and digits
    () => range(0xe00, 0xe7f),                     // Thai
    () => range(0x3040, 0x30ff),                   // kana
    () => range(0x4e00, 0x9fff),                   // CJK
    () => range(0xac00, 0xd7a3),                   // Hangul
    () => range(0x2150, 0x218f),                   // number forms (Nl, No)
    () => range(0x2460, 0x24ff),                   // enclosed alphanumerics
    () => range(0x1f300, 0x1faff),                 // emoji
    () => pick(['\u200d', '\ufe0f', '\u{1f3fd}']), // joiners, selectors, skin tones
    () => {                                        // anything at all but surrogates
        for (;;) {
            const cp = Math.floor(random() * 0x110000);
            if (cp < 0xd800 || cp > 0xdfff) return String.fromCodePoint(cp);
        }
    },
];
const randomTexts = [];
for (let i = 0; i < 3000; ++i) {
    // A few pools per text, so runs of one class meet runs of another.
    const chosen = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(pools));
    const length = 1 + Math.floor(random() * 80);
    let text = '';
    for (let j = 0; j < length; ++j) text += pick(chosen)();
    randomTexts.push(text);
}
// Every assigned plane's characters, a stretch at a time, each beside letters
// and spaces: the class table is held to tiktoken's whole Unicode version.
const sweep = [];
for (let start = 0; start < 0x32000; start += 97) {
    let text = '';
    for (let cp = start; cp < start + 97; ++cp)
        if (cp < 0xd800 || cp > 0xdfff) text += String.fromCodePoint(cp) + (cp % 3 === 0 ? 'a' : cp % 3 === 1 ? ' ' : 'B\'s');
    sweep.push(text);
}

const corpus = [...fixed, ...pathological, ...randomTexts, ...sweep];

async function agentioIds(encoding, texts) {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => { output += chunk; });
    for (const text of texts) {
        if (!child.stdin.write(JSON.stringify({ encoding, text }) + '\n')) await once(child.stdin, 'drain');
    }
    child.stdin.end();
    const [code] = await once(child, 'close');
    assert.equal(code, 0, 'tokenize_lines failed');
    return output.trim().split('\n').map((line) => JSON.parse(line));
}

let failures = 0;
for (const name of ['o200k_base', 'cl100k_base']) {
    const reference = get_encoding(name);
    const ours = await agentioIds(name, corpus);
    assert.equal(ours.length, corpus.length);
    for (let i = 0; i < corpus.length; ++i) {
        const expected = Array.from(reference.encode_ordinary(corpus[i]));
        const [ids, count] = ours[i];
        const same = ids.length === expected.length && ids.every((id, k) => id === expected[k]);
        if (!same || count !== ids.length) {
            if (++failures <= 10) {
                const k = ids.findIndex((id, j) => id !== expected[j]);
                console.error(`${name}: text ${i} ${JSON.stringify(corpus[i].slice(0, 120))}`);
                console.error(`  first difference at token ${k}: tiktoken ${JSON.stringify(expected.slice(Math.max(0, k - 2), k + 4))}` +
                              ` agentio ${JSON.stringify(ids.slice(Math.max(0, k - 2), k + 4))} (count ${count})`);
            }
        }
    }
    reference.free();
    console.log(`${name}: ${corpus.length} texts compared`);
}
assert.equal(failures, 0, `${failures} texts encoded differently from tiktoken`);
console.log('every text encoded as tiktoken encodes it');
