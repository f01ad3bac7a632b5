#!/usr/bin/env python3
"""Writes examples/prompts.jsonl: 2,000 deterministic prompts for `agentio batch`
(./dev run), mixing the short form and the OpenAI Batch API form."""
import json
import random

TASKS = ["Summarise", "Translate into French", "List three risks of", "Write a haiku about",
         "Explain to a new engineer", "Give two test cases for", "Draft a commit message for",
         "Name the main trade-off in"]
TOPICS = ["connection pooling", "exponential backoff", "a token bucket rate limiter", "server-sent events",
          "structured concurrency", "cancellation in async code", "TLS session resumption",
          "retrying idempotent requests", "a crash-safe append-only log", "time to first token",
          "gathering results in input order", "a semaphore that is fair to large requests"]

rng = random.Random(2026)
with open("examples/prompts.jsonl", "w") as out:
    for i in range(2000):
        prompt = f"{rng.choice(TASKS)} {rng.choice(TOPICS)}."
        max_tokens = rng.randint(30, 200)
        if i % 4 == 3:
            line = {"custom_id": f"request-{i}", "method": "POST", "url": "/v1/chat/completions",
                    "body": {"model": "sim-small", "max_tokens": max_tokens,
                             "messages": [{"role": "system", "content": "You are concise."},
                                          {"role": "user", "content": prompt}]}}
        else:
            line = {"id": f"request-{i}", "prompt": prompt, "max_tokens": max_tokens}
        out.write(json.dumps(line) + "\n")
