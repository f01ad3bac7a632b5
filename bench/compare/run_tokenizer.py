#!/usr/bin/python3
"""Runs the tokenizer benchmark and writes its section of docs/BENCHMARKS.md.

Three tokenizers on the same texts, one core each, taking turns: agentio's
llm::Encoding (bench/tokenizer_speed.cpp), tiktoken 1.0.22's WASM build and
js-tiktoken 1.0.21 (pure JS; bench/compare/tokenizer_twins.mjs, both from
tests/tokenizer/node_modules). The texts: English prose (this repository's
README and docs), code (its C++ sources), CJK (sentences of common hanzi drawn
at random, seeded: word salad, but with CJK's shape, long space-free pieces),
and one word of `a` repeated, at two lengths ten times apart, where a merge
that rescans its piece after every step turns quadratic (js-tiktoken takes
about 45 s on the longer one here, so they stay short).

Each figure is the best of repeated encodes for --seconds (warm; one encode
if the first alone took longer); the cold figure is the process's first
encode, which builds the encoding's tables.

    /usr/bin/python3 bench/compare/run_tokenizer.py --bin build/release/bin --out docs/BENCHMARKS.md
"""
import argparse
import datetime
import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_http import Pinning, loadavg, machine, write_section  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BEGIN, END = "<!-- tokenizer:begin -->", "<!-- tokenizer:end -->"
CONTENDERS = ("agentio", "tiktoken", "js-tiktoken")


def write_texts(tmp):
    """The benchmark's texts, as (label, path)."""
    texts = []

    def add(label, name, content):
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        texts.append((label, path))

    prose = "".join(open(p, encoding="utf-8").read() for p in [os.path.join(ROOT, "README.md")] +
                    sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))))
    add("English prose (README, docs)", "prose.txt", prose)
    code = "".join(open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(ROOT, "src", "**", "*.cpp"),
                                                                              recursive=True)))
    add("C++ code (src/)", "code.txt", code[:1_000_000])
    rng = random.Random(1)
    sentences, size = [], 0
    while size < 300_000:
        sentence = "".join(chr(0x4E00 + int(rng.paretovariate(1.2) * 40) % 3000) for _ in range(rng.randint(8, 30)))
        sentences.append(sentence + rng.choice("，。！？；、"))
        size += len(sentences[-1])
    add("CJK (hanzi sentences, generated)", "cjk.txt", "".join(sentences))
    add("one word: `a` x 2,000", "a2k.txt", "a" * 2_000)
    add("one word: `a` x 20,000", "a20k.txt", "a" * 20_000)
    return texts


def run(pinning, contender, encoding, seconds, paths, bin_dir):
    if contender == "agentio":
        cmd = [os.path.join(bin_dir, "tokenizer_speed"), encoding, str(seconds)] + paths
    else:
        cmd = ["node", os.path.join(HERE, "tokenizer_twins.mjs"), contender, encoding, str(seconds)] + paths
    out = subprocess.run(pinning.load(cmd), check=True, capture_output=True, text=True, timeout=3600).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default="build/release/bin")
    parser.add_argument("--out", default="docs/BENCHMARKS.md")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    pinning = Pinning(not args.no_pin)
    started = time.monotonic()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = loadavg()
    results = {}
    with tempfile.TemporaryDirectory(prefix="agentio-tokenizer-bench-") as tmp:
        texts = write_texts(tmp)
        paths = [path for _, path in texts]
        for encoding in ("o200k_base", "cl100k_base"):
            for contender in CONTENDERS:
                print(f"{encoding}: {contender} ...", file=sys.stderr)
                for (label, _), result in zip(texts, run(pinning, contender, encoding, args.seconds, paths, args.bin)):
                    results[(encoding, contender, label)] = result
        for (label, _) in texts:
            counts = {results[("o200k_base", c, label)]["tokens"] for c in CONTENDERS}
            if len(counts) != 1:
                raise RuntimeError(f"{label}: the tokenizers disagree on the token count: {counts}")
    section = render(args, date, load_before, loadavg(), time.monotonic() - started, texts, results, pinning)
    write_section(args.out, section, BEGIN, END)
    print(section)
    print(f"written to {args.out}", file=sys.stderr)


def render(args, date, load_before, load_after, elapsed, texts, results, pinning):
    def rate(encoding, contender, label):
        return results[(encoding, contender, label)]["tokens_per_s"]

    lines = ["## Tokenizer: agentio vs tiktoken (WASM) vs js-tiktoken", "",
             f"Recorded {date} on {machine()}; load average {load_before} before, {load_after} after; "
             f"{elapsed:.0f} s in all. Command: `./dev bench` (this section: `/usr/bin/python3 bench/compare/run_tokenizer.py "
             f"--bin build/release/bin --out docs/BENCHMARKS.md`).", "",
             "Tokens per second of `encode` on one core "
             f"({'each contender on CPU 0' if pinning.enabled else 'no CPU pinning'}): agentio's `llm::Encoding` "
             "(`bench/tokenizer_speed.cpp`), the npm `tiktoken` 1.0.22 (Rust compiled to WASM) and `js-tiktoken` "
             "1.0.21 (pure JS), both run by `bench/compare/tokenizer_twins.mjs` on Node. All three give the same "
             f"token count on every text (checked). Warm: the best of repeated encodes over {args.seconds:g} s. "
             "Every id agentio gives is held to tiktoken's by `tests/tokenizer/compare.test.mjs`.", ""]
    for encoding in ("o200k_base", "cl100k_base"):
        lines += [f"### {encoding}", "",
                  "| text | bytes | tokens | agentio | tiktoken (WASM) | js-tiktoken | agentio / tiktoken |",
                  "|---|---|---|---|---|---|---|"]
        for label, _ in texts:
            first = results[(encoding, "agentio", label)]
            ours, wasm, js = (rate(encoding, c, label) for c in CONTENDERS)
            lines.append(f"| {label} | {first['bytes']:,} | {first['tokens']:,} | {ours:,.0f} | {wasm:,.0f} | {js:,.0f} | "
                         f"x{ours / wasm:.1f} |")
        lines.append("")
    label_short, label_long = texts[-2][0], texts[-1][0]
    lines.append("Growth from the 2,000-byte word to the 20,000-byte one (10x the bytes), as the time per token "
                 "grows (1.0 is linear, 10 is quadratic), o200k_base:")
    lines.append("")
    for contender in CONTENDERS:
        growth = rate("o200k_base", contender, label_short) / rate("o200k_base", contender, label_long)
        lines.append(f"- {contender}: x{growth:.1f}")
    lines.append("")
    lines.append("Cold: the first encode of a process, which builds the encoding's tables (agentio: inflates the ranks, "
                 "hashes them; the others: parse theirs), on the prose text:")
    lines.append("")
    label = texts[0][0]
    for encoding in ("o200k_base", "cl100k_base"):
        cells = ", ".join(f"{c} {1e3 * results[(encoding, c, label)]['first_s']:.0f} ms" for c in CONTENDERS)
        lines.append(f"- {encoding}: {cells}")
    lines.append("")
    beaten = all(rate(e, "agentio", label) > rate(e, "tiktoken", label) for e in ("o200k_base", "cl100k_base")
                 for label, _ in texts)
    lines.append(f"**Target: faster than tiktoken's WASM build on every text: {'met' if beaten else 'NOT met'}.**")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
