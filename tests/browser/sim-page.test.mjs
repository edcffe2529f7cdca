// The simulator's /sim/ page in a real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core): tokens created with fetch show up, a delivery's page opens, Redeliver makes a
// new delivery, the filter works without JavaScript, a released webhook shows up without a
// reload, the Release button sends a held one, and no script injected through a
// client-controlled field runs. Saves a screenshot in the CI log folder.
// Run with `npm ci && node --test` here; the binary is $IDENFY_TESTKIT_BIN or `idenfy-testkit`.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

import { chromium } from "playwright-core";

import { startReceiver } from "../../examples/node/receiver.mjs";
import { startSimulator } from "../../examples/node/simulator.mjs";

const CHROMIUM = process.env.CHROMIUM_BIN || "/usr/bin/chromium";
const LOG_DIR = process.env.CI_LOG_DIR || resolve(import.meta.dirname, "../../target/ci-logs");
// Sets a global, so a test can tell whether it ran.
const PAYLOAD = "<script>window.pwned=1</script>";

let sim;
let receiver;
let context;
let userDataDir;

before(async () => {
  sim = await startSimulator();
  receiver = await startReceiver({ signingKey: sim.signingKey });
  userDataDir = mkdtempSync(join(tmpdir(), "sim-page-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // Sent once the page answers 401 with WWW-Authenticate, as a person would type them.
    httpCredentials: { username: sim.apiKey, password: sim.apiSecret },
    viewport: { width: 1600, height: 900 },
  });
});

after(async () => {
  await context?.close();
  await sim?.stop();
  await receiver?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function createToken(fields) {
  const answer = await fetch(`${sim.baseUrl}/api/v2/token`, {
    method: "POST",
    headers: { authorization: sim.authorization, "content-type": "application/json" },
    body: JSON.stringify(fields),
  });
  assert.equal(answer.status, 201, await answer.clone().text());
  return (await answer.json()).scanRef;
}

/** A new page that records every dialog (alert, confirm) a script might open. */
async function openPage() {
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    return dialog.dismiss();
  });
  return { page, dialogs };
}

/** Asserts that no injected script ran on `page`: only the page's own script is present. */
async function assertNoInjectedScript(page, dialogs) {
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.deepEqual(dialogs, []);
  const scripts = await page.evaluate(() => [...document.scripts].map((script) => script.getAttribute("src")));
  assert.deepEqual(scripts, ["/sim/assets/live.js"]);
}

test("the page lists verifications, opens a delivery and redelivers it", { timeout: 60_000 }, async () => {
  const callbackUrl = `${receiver.url}/webhooks/idenfy`;
  const scanRef = await createToken({ clientId: "browser-user", externalRef: "order-7", dummyStatus: "APPROVED", callbackUrl });
  const injected = await createToken({
    clientId: PAYLOAD,
    externalRef: "\"><img src=x onerror=window.pwned=2>",
    dummyStatus: "DENIED",
    callbackUrl: `${receiver.url}/${PAYLOAD}`,
  });
  const first = await sim.waitForWebhook(scanRef);
  assert.equal(first.state, "DELIVERED");
  await sim.waitForWebhook(injected);

  const { page, dialogs } = await openPage();
  await page.goto(`${sim.baseUrl}/sim/`);
  await page.getByRole("heading", { name: "Verifications (2)" }).waitFor();
  const text = await page.locator("main").innerText();
  for (const needle of [scanRef, injected, "browser-user", "order-7", PAYLOAD, "DELIVERED", "FAILED"]) {
    assert.ok(text.includes(needle), `${needle} not shown`);
  }
  await assertNoInjectedScript(page, dialogs);

  mkdirSync(LOG_DIR, { recursive: true });
  await page.screenshot({ path: join(LOG_DIR, "sim-page.png"), fullPage: true });

  // The first Tab reaches the skip link: the page is usable from the keyboard.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");

  await page.getByRole("row").filter({ hasText: scanRef }).getByRole("link", { name: `#${first.id}`, exact: true }).click();
  await page.getByRole("heading", { name: `Webhook #${first.id}` }).waitFor();
  assert.ok((await page.locator("main").innerText()).includes("The signature verifies with the configured signing key."));
  await page.getByRole("button", { name: "Redeliver" }).click();
  await page.getByText(`Redelivery of`).waitFor();
  const redelivery = Number(new URL(page.url()).pathname.split("/").pop());
  assert.ok(redelivery > first.id, page.url());
  // The attempt arrives after the page was rendered: the live update shows it.
  await page.getByRole("cell", { name: "HTTP 204" }).waitFor({ timeout: 20_000 });
  assert.ok((await page.getByRole("status").innerText()).startsWith("Live"));
  await page.screenshot({ path: join(LOG_DIR, "sim-delivery.png"), fullPage: true });

  await page.goto(`${sim.baseUrl}/sim/?scanRef=${scanRef}`);
  await page.getByText(`redelivery of #${first.id}`).waitFor();

  const injectedDelivery = (await sim.webhooks({ scanRef: injected }))[0];
  await page.goto(`${sim.baseUrl}/sim/deliveries/${injectedDelivery.id}`);
  assert.ok((await page.locator("pre.raw").innerText()).includes(PAYLOAD));
  await assertNoInjectedScript(page, dialogs);
  await page.close();
});

test("the filter works without JavaScript", { timeout: 60_000 }, async () => {
  const kept = await createToken({ clientId: "no-js-kept", dummyStatus: "APPROVED" });
  const other = await createToken({ clientId: "no-js-other", dummyStatus: "APPROVED" });
  const plain = await context.newPage();
  await plain.route("**/sim/assets/live.js", (route) => route.abort());
  await plain.goto(`${sim.baseUrl}/sim/`);
  await plain.getByLabel("scanRef").fill(kept);
  await plain.getByRole("button", { name: "Filter" }).click();
  await plain.getByRole("heading", { name: "Verifications (1)" }).waitFor();
  const text = await plain.locator("main").innerText();
  assert.ok(text.includes(kept) && !text.includes(other));
  assert.equal(await plain.getByRole("status").innerText(), "Reload the page for new activity.");
  await plain.close();
});

test("held webhooks: the list updates live, and the Release button sends one", { timeout: 60_000 }, async () => {
  const held = await startSimulator(["--hold"]);
  const heldReceiver = await startReceiver({ signingKey: held.signingKey });
  const page = await context.newPage();
  try {
    const create = async () => {
      const answer = await fetch(`${held.baseUrl}/api/v2/token`, {
        method: "POST",
        headers: { authorization: held.authorization, "content-type": "application/json" },
        body: JSON.stringify({ clientId: "held-user", dummyStatus: "APPROVED", callbackUrl: `${heldReceiver.url}/webhooks/idenfy` }),
      });
      assert.equal(answer.status, 201);
      const { scanRef } = await answer.json();
      return (await held.webhooks({ scanRef }))[0];
    };
    const [first, second] = [await create(), await create()];
    assert.equal(first.state, "HELD");

    // The page's credentials are the first simulator's: this one has its own.
    await page.setExtraHTTPHeaders({ authorization: held.authorization });
    await page.goto(`${held.baseUrl}/sim/`);
    await page.getByRole("heading", { name: "Webhooks (2)" }).waitFor();
    assert.equal(await page.locator("#webhooks ~ table .state.held").count(), 2);
    await page.evaluate(() => (window.sameDocument = true));
    const released = await fetch(`${held.baseUrl}/sim/webhooks/${first.id}/release`, {
      method: "POST",
      headers: { authorization: held.authorization },
    });
    assert.equal(released.status, 200);
    // No reload: the script swaps the new rows in.
    await page.locator("#webhooks ~ table .state.delivered").waitFor({ timeout: 20_000 });
    assert.equal(await page.evaluate(() => window.sameDocument), true);

    await page.goto(`${held.baseUrl}/sim/deliveries/${second.id}`);
    await page.getByRole("button", { name: "Release" }).click();
    await page.getByRole("cell", { name: "HTTP 204" }).waitFor({ timeout: 20_000 });
    assert.equal(new URL(page.url()).pathname, `/sim/deliveries/${second.id}`);
    assert.equal(await page.getByRole("button", { name: "Release" }).count(), 0);
  } finally {
    await page.close();
    await held.stop();
    await heldReceiver.close();
  }
});
