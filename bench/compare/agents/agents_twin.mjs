// The OpenAI Agents SDK twin of bench/agent_runs.cpp: N concurrent runs of
// one agent with two tools that sleep 50 ms, against `agentio sim --script
// bench/compare/agents/script.jsonl` (three turns of two parallel tool calls,
// then the answer). Prints one JSON line with the same keys.
//
//     node bench/compare/agents/agents_twin.mjs http://127.0.0.1:PORT/v1 1000
import { Agent, run, tool, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';

const [baseURL, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? 1000);
setDefaultOpenAIClient(new OpenAI({ baseURL, apiKey: 'sk-bench', maxRetries: 0 }));
setOpenAIAPI('chat_completions');  // the simulator speaks Chat Completions
setTracingDisabled(true);          // its default exporter would send traces to OpenAI

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const sleepingTool = (name) => tool({
  name,
  description: `Does part of a step (${name})`,
  parameters: z.object({ step: z.number().int().describe('Which step') }),
  execute: async ({ step }) => {
    await sleep(50);
    return `result of step ${step} from ${name}`;
  },
});

const worker = new Agent({
  name: 'worker',
  instructions: 'Do the three steps with your tools.',
  model: 'sim-small',
  tools: [sleepingTool('lookup'), sleepingTool('check')],
});

const cpuBefore = process.cpuUsage();
const start = performance.now();
const results = await Promise.allSettled(Array.from({ length: runs }, () => run(worker, 'Do the three steps.')));
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuBefore);
let ok = 0;
let firstError = '';
for (const result of results) {
  if (result.status === 'fulfilled' && result.value.finalOutput === 'All three steps are done.') ok += 1;
  else if (!firstError) firstError = result.status === 'fulfilled' ? `unexpected output: ${result.value.finalOutput}` : String(result.reason);
}
if (firstError) console.error(`agents_twin: ${firstError}`);
console.log(JSON.stringify({
  runs, ok, failed: runs - ok, seconds,
  cpu_seconds: (cpu.user + cpu.system) / 1e6,
  peak_rss_mib: process.resourceUsage().maxRSS / 1024,
}));
