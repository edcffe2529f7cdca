// Runs `idenfy-testkit fuzz` against a webhook endpoint from Node, without blocking the event
// loop (the endpoint under test may live in the same process).
import { spawn } from "node:child_process";

/**
 * Fuzzes `to` with genuine webhook sequences signed with `signingKey`; with `probe` (a URL
 * template holding `{scanRef}`), also checks the decision the app keeps. Resolves to
 * `{ passed, report, log }`: the `--json` report and, in `log`, the minimal failing case.
 */
export function fuzz({ to, signingKey, probe, seed, cases, extraArgs = [] }) {
  const binary = process.env.IDENFY_TESTKIT_BIN || "idenfy-testkit";
  const args = ["fuzz", "--to", to, "--json", ...extraArgs];
  if (probe) args.push("--probe", probe);
  if (seed !== undefined) args.push("--seed", String(seed));
  if (cases !== undefined) args.push("--cases", String(cases));
  const child = spawn(binary, args, {
    env: { ...process.env, IDENFY_SIGNING_KEY: signingKey },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let log = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (log += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if ((code !== 0 && code !== 1) || !stdout.trim()) {
        reject(new Error(`idenfy-testkit fuzz exited with ${code}:\n${log}`));
        return;
      }
      const report = JSON.parse(stdout);
      resolve({ passed: report.passed === true, report, log });
    });
  });
}
