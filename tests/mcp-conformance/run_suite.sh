#!/usr/bin/env bash
# run_suite.sh server SERVER_BIN SUITE
# run_suite.sh client CLIENT_BIN SCENARIO...
#
# Runs the MCP conformance suite on loopback: as `server`, its server
# scenarios against SERVER_BIN --port 0; as `client`, each client SCENARIO
# named, one at a time, with CLIENT_BIN as the client (the suite's own
# `--suite core` runs them all at once, and sse-retry measures the client's
# reconnection delay to within 200 ms: on a loaded two-core machine that
# would measure the machine). Fails on any failed check and on any warning:
# Tier 1 means both are zero.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mode=$1
bin=$2
shift 2
node="$here/node_modules/.bin/node"
suite_js="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

status=0
if [ "$mode" = server ]; then
    "$bin" --port 0 > "$work/url" 2> "$work/server.log" &
    server_pid=$!
    for _ in $(seq 1 200); do  # the URL line, within 20 s
        [ -s "$work/url" ] && break
        kill -0 "$server_pid" 2>/dev/null || { echo "the server exited:"; cat "$work/server.log"; exit 1; }
        sleep 0.1
    done
    url=$(head -1 "$work/url")
    [ -n "$url" ] || { echo "the server printed no URL"; exit 1; }
    "$node" "$suite_js" server --url "$url" --suite "$1" -o "$work/results" > "$work/suite.log" 2>&1 || status=$?
else
    for scenario in "$@"; do
        "$node" "$suite_js" client --command "$bin" --scenario "$scenario" -o "$work/results" >> "$work/suite.log" 2>&1 || status=$?
    done
fi
# Every check of every scenario, as the suite saved them.
counts=$("$node" -e '
const fs = require("fs"), path = require("path");
const dir = process.argv[1];
const tally = {};
// Scenario names hold "/" (auth/...): their results nest.
const runs = fs.existsSync(dir)
  ? fs.readdirSync(dir, { recursive: true }).filter((f) => path.basename(f) === "checks.json").map(path.dirname)
  : [];
for (const run of runs.sort()) {
  const checks = JSON.parse(fs.readFileSync(path.join(dir, run, "checks.json"), "utf8"));
  const count = (status) => checks.filter((check) => check.status === status).length;
  console.error(`${run.replace(/-\d{4}-\d\d-\d\dT.*$/, "")}: ${count("SUCCESS")} passed, ${count("FAILURE")} failed, ${count("WARNING")} warnings`);
  for (const check of checks) {
    tally[check.status] = (tally[check.status] || 0) + 1;
    if (check.status === "FAILURE" || check.status === "WARNING")
      console.error(`${run}: ${check.status} ${check.id}: ${check.errorMessage || check.description}`);
  }
}
console.log(`scenarios ${runs.length} success ${tally.SUCCESS || 0} failure ${tally.FAILURE || 0} warning ${tally.WARNING || 0}`);
' "$work/results")
echo "$counts"
if [ "$status" -ne 0 ] || ! grep -q "scenarios [1-9][0-9]* success [1-9][0-9]* failure 0 warning 0" <<< "$counts"; then
    echo "--- suite output ---"; cat "$work/suite.log"
    [ -f "$work/server.log" ] && { echo "--- server stderr ---"; cat "$work/server.log"; }
    exit 1
fi
