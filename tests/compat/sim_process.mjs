// sim_process.mjs: starts `agentio sim` for one test and stops it after.
//
// Every wait here is bounded, so a test can fail but never hang: the banner
// must arrive within STARTUP_MS, a test body gets BODY_MS, and a process that
// does not exit within STOP_MS of SIGTERM is killed. A process that outlives its test (the test
// threw before stopping it) is killed when node exits.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";

const STARTUP_MS = 10_000;
const STOP_MS = 10_000;
const BODY_MS = 25_000;

// The binary under test: AGENTIO_BIN (set by ctest), else the first argument.
export const agentioBin = process.env.AGENTIO_BIN ?? process.argv[2];
if (!agentioBin) {
    console.error("set AGENTIO_BIN to the agentio binary (or pass it as the first argument)");
    process.exit(2);
}

const running = new Set();
process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
});

// Fast latencies by default so the suite stays short; any flag can be added.
const FAST = ["--ttft-ms", "5", "--itl-ms", "1"];

// Spawns `agentio sim --port 0 ...args` and resolves once its first stdout line
// (the banner) names the port. `env` adds to the process environment.
export function startSim(args = [], { env = {} } = {}) {
    const child = spawn(agentioBin, ["sim", "--port", "0", ...FAST, ...args], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(child);
    const out = { stdout: "", stderr: "" };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text) => (out.stderr += text));
    const exited = new Promise((resolve) =>
        child.on("exit", (code, signal) => {
            running.delete(child);
            resolve({ code, signal });
        }),
    );

    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`agentio sim printed no banner within ${STARTUP_MS} ms; stderr: ${out.stderr}`));
        }, STARTUP_MS);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        exited.then(({ code, signal }) => {
            clearTimeout(timer);
            reject(new Error(`agentio sim exited (code ${code}, signal ${signal}) before its banner; stderr: ${out.stderr}`));
        });
        let announced = false;
        child.stdout.on("data", (text) => {
            out.stdout += text;
            if (announced || !out.stdout.includes("\n")) return;
            announced = true;
            clearTimeout(timer);
            const banner = out.stdout.slice(0, out.stdout.indexOf("\n"));
            const match = banner.match(/on (http:\/\/\S+:(\d+)\/v1)\b/);
            if (!match) {
                child.kill("SIGKILL");
                reject(new Error(`unexpected banner: ${banner}`));
                return;
            }
            resolve({
                banner,
                baseURL: match[1],
                port: Number(match[2]),
                output: out,
                // SIGTERM (or `signal`), then the exit status and all output.
                async stop(signal = "SIGTERM") {
                    if (running.has(child)) child.kill(signal);
                    let timer;
                    const killed = new Promise((resolve) => {
                        timer = setTimeout(() => {
                            child.kill("SIGKILL");
                            resolve({ code: null, signal: "SIGKILL", timedOut: true });
                        }, STOP_MS);
                    });
                    const status = await Promise.race([exited, killed]);
                    clearTimeout(timer);
                    return { ...status, stdout: out.stdout, stderr: out.stderr };
                },
            });
        });
    });
}

// Runs `body(sim)` against a fresh simulator and always stops it, also when
// the body is still pending after BODY_MS (a hung stream then fails the test
// instead of keeping node alive); the simulator must exit 0 (graceful).
export async function withSim(args, body, options) {
    const sim = await startSim(args, options);
    let failure;
    let timer;
    const deadline = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the test body took over ${BODY_MS} ms`)), BODY_MS);
    });
    try {
        await Promise.race([body(sim), deadline]);
    } catch (error) {
        failure = error;
    }
    clearTimeout(timer);
    const status = await sim.stop();
    if (failure) throw failure;
    if (status.code !== 0)
        throw new Error(`agentio sim did not exit 0 after SIGTERM: ${JSON.stringify(status)}`);
    return status;
}

// The official client pointed at the simulator: no retries unless asked, a
// bounded timeout for every request.
export function client(sim, options = {}) {
    return new OpenAI({ baseURL: sim.baseURL, apiKey: "sk-compat", maxRetries: 0, timeout: 15_000, ...options });
}

// A temporary directory holding `files` ({name: text}); removed by cleanup().
export function tempFiles(files) {
    const dir = mkdtempSync(join(tmpdir(), "agentio-compat-"));
    const paths = {};
    for (const [name, text] of Object.entries(files)) {
        paths[name] = join(dir, name);
        writeFileSync(paths[name], text);
    }
    return { dir, paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
