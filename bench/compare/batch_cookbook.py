#!/usr/bin/env python3
"""The usual Python answer to "run this JSONL file of requests": an asyncio +
aiohttp processor in the shape of the openai-cookbook parallel request
processor (a semaphore of N requests in flight, POST each line, append each
result as JSONL, retry a failed request a few times). No header-aware rate
limits, no resume. Written for bench/compare/run_batch.py.

usage: batch_cookbook.py IN.jsonl OUT.jsonl --base-url URL --concurrency N
"""
import argparse
import asyncio
import json

import aiohttp


async def one(session, semaphore, url, line, out, retries=2):
    body = {"model": line.get("model", "sim-small"),
            "messages": line.get("messages") or [{"role": "user", "content": line["prompt"]}]}
    if "max_tokens" in line:
        body["max_tokens"] = line["max_tokens"]
    async with semaphore:
        for attempt in range(retries + 1):
            try:
                async with session.post(url, json=body) as response:
                    payload = await response.json()
                    if response.status == 200 or attempt == retries:
                        out.write(json.dumps({"custom_id": line.get("id"), "status": response.status,
                                              "body": payload}) + "\n")
                        return
            except aiohttp.ClientError as error:
                if attempt == retries:
                    out.write(json.dumps({"custom_id": line.get("id"), "error": str(error)}) + "\n")
                    return
            await asyncio.sleep(0.5 * 2 ** attempt)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    lines = [json.loads(text) for text in open(args.input) if text.strip()]
    semaphore = asyncio.Semaphore(args.concurrency)
    connector = aiohttp.TCPConnector(limit=args.concurrency)
    headers = {"Authorization": "Bearer sk-bench"}
    with open(args.output, "w") as out:
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
            await asyncio.gather(*(one(session, semaphore, args.base_url + "/chat/completions", line, out)
                                   for line in lines))


if __name__ == "__main__":
    asyncio.run(main())
