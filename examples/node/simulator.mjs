// Starts `idenfy-testkit serve` as a child process with fresh credentials, for tests.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";

const FINISHED = new Set(["DELIVERED", "FAILED"]);

/**
 * Starts the simulator on 127.0.0.1:0 and resolves once it prints `listening on URL`.
 * The binary is $IDENFY_TESTKIT_BIN, else `idenfy-testkit` on PATH (`pip install idenfy-testkit`).
 */
export async function startSimulator(options = []) {
  const [apiKey, apiSecret, signingKey] = [0, 1, 2].map(() => randomBytes(18).toString("base64url"));
  const binary = process.env.IDENFY_TESTKIT_BIN || "idenfy-testkit";
  const child = spawn(binary, ["serve", "--addr", "127.0.0.1:0", ...options], {
    // Secrets go through the environment, not argv, so `ps` does not show them.
    env: { ...process.env, IDENFY_API_KEY: apiKey, IDENFY_API_SECRET: apiSecret, IDENFY_SIGNING_KEY: signingKey },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk) => (log += chunk));
  const exited = new Promise((resolve) => child.on("close", resolve));
  const baseUrl = await new Promise((resolve, reject) => {
    child.on("error", reject);
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      if (line.startsWith("listening on ")) resolve(line.slice("listening on ".length).replace(/\/$/, ""));
      else reject(new Error(`idenfy-testkit serve printed ${JSON.stringify(line)} first:\n${log}`));
    });
    exited.then((code) => reject(new Error(`idenfy-testkit serve exited with ${code} before listening:\n${log}`)));
  });
  const authorization = "Basic " + Buffer.from(`${apiKey}:${apiSecret}`).toString("base64");

  /** Every webhook the simulator kept, oldest first (GET /sim/webhooks). */
  async function webhooks({ scanRef, event } = {}) {
    const query = new URLSearchParams();
    if (scanRef) query.set("scanRef", scanRef);
    if (event) query.set("event", event);
    const answer = await fetch(`${baseUrl}/sim/webhooks?${query}`, { headers: { authorization } });
    if (!answer.ok) throw new Error(`GET /sim/webhooks answered ${answer.status}: ${await answer.text()}`);
    return answer.json();
  }

  /** The oldest webhook for scanRef (and event) once delivered or failed; polls until then. */
  async function waitForWebhook(scanRef, { event, timeoutMs = 10_000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = await webhooks({ scanRef, event });
      const finished = seen.find((delivery) => FINISHED.has(delivery.state));
      if (finished) return finished;
      if (Date.now() >= deadline) throw new Error(`no finished webhook for ${scanRef} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  return {
    baseUrl,
    apiKey,
    apiSecret,
    signingKey,
    authorization,
    webhooks,
    waitForWebhook,
    log: () => log,
    /** Stops the simulator (SIGTERM: it waits up to 5 s for queued webhooks). */
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
