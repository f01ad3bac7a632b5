// cli.test.mjs: the `agentio` binary's own contract: --version, --help,
// exit code 2 for bad usage, and `agentio sim`'s banner and clean stop.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { agentioBin, client, startSim } from "./sim_process.mjs";

function agentio(...args) {
    const result = spawnSync(agentioBin, args, { encoding: "utf8", timeout: 10_000 });
    assert.equal(result.error, undefined, `${result.error}`);
    return result;
}

test("--version prints the project version", () => {
    const { status, stdout } = agentio("--version");
    assert.equal(status, 0);
    assert.equal(stdout.trim(), `agentio ${process.env.AGENTIO_VERSION ?? "0.1.0"}`);
});

test("--help lists the subcommands, examples and exit codes", () => {
    const { status, stdout } = agentio("--help");
    assert.equal(status, 0);
    assert.match(stdout, /^\s*sim\s+\S.*$/m, "sim, with a one-line description");
    assert.match(stdout, /Examples:/);
    assert.match(stdout, /agentio sim/);
    assert.match(stdout, /Exit codes:[\s\S]*0\s+done[\s\S]*1\s+some requests failed[\s\S]*2\s+bad usage or input/);

    const sim = agentio("sim", "--help");
    assert.equal(sim.status, 0);
    for (const flag of ["--host", "--port", "--seed", "--ttft-ms", "--itl-ms", "--spread", "--min-tokens", "--max-tokens",
        "--rpm", "--tpm", "--fault-rate", "--fault-429", "--fault-500", "--fault-503", "--fault-reset", "--fault-stall",
        "--fault-malformed", "--script", "--api-key", "--models", "--model-profile", "--embedding-dimensions"])
        assert.ok(sim.stdout.includes(flag), `agentio sim --help mentions ${flag}`);
});

test("bad usage exits 2 with a message on stderr", () => {
    const cases = [
        [],
        ["no-such-command"],
        ["sim", "--no-such-flag"],
        ["sim", "--port", "70000"],
        ["sim", "--port", "eighty"],
        ["sim", "--fault-rate", "1.5"],
        ["sim", "--spread", "-0.1"],
        ["sim", "--min-tokens", "10", "--max-tokens", "5"],
        ["sim", "--rpm", "0"],
        ["sim", "--script", "/nonexistent/replies.jsonl"],
        ["sim", "--models", "a,,b"],
        ["sim", "--model-profile", "gpt-4o"],
        ["sim", "--model-profile", "gpt-4o:300ms"],
        ["sim", "--model-profile", "gpt-4o:fast,20ms"],
        ["sim", "--model-profile", ":300ms,20ms"],
        ["sim", "--model-profile", "gpt-4o:-1ms,20ms"],
        ["sim", "--models", "a", "--model-profile", "b:1ms,1ms"],
        ["sim", "--embedding-dimensions", "0"],
        ["sim", "--embedding-dimensions", "3073"],
    ];
    for (const args of cases) {
        const { status, stdout, stderr } = agentio(...args);
        assert.equal(status, 2, `agentio ${args.join(" ")}: exit ${status}; ${stdout}${stderr}`);
        assert.ok(stderr.length > 0, `agentio ${args.join(" ")} explains itself on stderr`);
        assert.ok(!stdout.includes("serving"), `agentio ${args.join(" ")} did not start serving`);
    }
});

test("a port already in use is reported and exits 2", { timeout: 30_000 }, async () => {
    const sim = await startSim();
    try {
        const { status, stderr } = agentio("sim", "--port", String(sim.port));
        assert.equal(status, 2, stderr);
        assert.match(stderr, /agentio sim/);
    } finally {
        await sim.stop();
    }
});

test("agentio sim announces its URL and settings, serves, and exits 0 on SIGINT and on SIGTERM", { timeout: 30_000 }, async () => {
    for (const signal of ["SIGINT", "SIGTERM"]) {
        const sim = await startSim(["--rpm", "500", "--seed", "3"]);
        assert.match(sim.banner,
            /^agentio sim: serving OpenAI-compatible API on http:\/\/127\.0\.0\.1:\d+\/v1 \(ttft 5ms, itl 1ms, rpm 500, tpm unlimited/);
        assert.ok(sim.port > 0 && sim.port !== 8000, "--port 0 binds a free port");
        const health = await fetch(`http://127.0.0.1:${sim.port}/health`, { signal: AbortSignal.timeout(10_000) });
        assert.equal(health.status, 200);
        const page = await client(sim).models.list();
        assert.ok(page.data.length > 0);
        const status = await sim.stop(signal);
        assert.equal(status.code, 0, `${signal}: ${JSON.stringify(status)}`);
        assert.match(status.stdout, new RegExp(`${signal}, stopped after \\d+ requests`));
    }
});

test("the banner shows unlimited limits, the fault mix (--fault-rate spread, a per-kind flag overriding) and the script",
    { timeout: 30_000 }, async () => {
        // startSim adds fast latencies; these flags put the defaults back (the last value wins).
        const plain = await startSim(["--ttft-ms", "300", "--itl-ms", "20"]);
        assert.equal((await plain.stop()).code, 0);
        assert.match(plain.banner, /\(ttft 300ms, itl 20ms, rpm unlimited, tpm unlimited\)$/);

        const faulty = await startSim(["--fault-rate", "0.06", "--fault-429", "0.5", "--tpm", "1000", "--script", "/dev/null"]);
        assert.equal((await faulty.stop()).code, 0);
        assert.match(faulty.banner,
            /, rpm unlimited, tpm 1000, faults 429 50% 500 1% 503 1% reset 1% stall 1% malformed 1%, script \/dev\/null\)$/);
    });

test("the banner names the models served and their latency profiles", { timeout: 30_000 }, async () => {
    const sim = await startSim(["--models", "gpt-4o-mini,gpt-4o", "--model-profile", "gpt-4o:0.5s,30"]);
    assert.equal((await sim.stop()).code, 0);
    assert.match(sim.banner, /, models gpt-4o-mini,gpt-4o, gpt-4o: ttft 500ms itl 30ms\)$/);
});
