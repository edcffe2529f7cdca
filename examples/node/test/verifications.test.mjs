// The receiver against `idenfy-testkit serve`: tokens created with fetch, webhooks delivered
// and checked, and the bundled fixtures. Run with `node --test examples/node`.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";

import { sign, startReceiver, verify } from "../receiver.mjs";
import { startSimulator } from "../simulator.mjs";

// The repository's fixtures (also inside the Python wheel); the key their webhooks are signed with.
const FIXTURES = new URL("../../../fixtures/", import.meta.url);
const FIXTURES_SIGNING_KEY = "idenfy-testkit-fixtures-signing-key";

describe("a verification end to end", () => {
  let sim;
  let receiver;

  before(async () => {
    sim = await startSimulator();
    receiver = await startReceiver({ signingKey: sim.signingKey });
  });

  after(async () => {
    await sim?.stop();
    await receiver?.close();
  });

  async function createToken(fields) {
    const answer = await fetch(`${sim.baseUrl}/api/v2/token`, {
      method: "POST",
      headers: { authorization: sim.authorization, "content-type": "application/json" },
      body: JSON.stringify({ clientId: "user-42", callbackUrl: `${receiver.url}/webhooks/idenfy`, ...fields }),
    });
    assert.equal(answer.status, 201, await answer.clone().text());
    return (await answer.json()).scanRef;
  }

  for (const [status, event, final] of [
    ["APPROVED", "IDENTIFICATION_AUTO_FINISHED", false],
    ["DENIED", "IDENTIFICATION_AUTO_FINISHED", false],
    ["SUSPECTED", "IDENTIFICATION_AUTO_FINISHED", false],
    ["EXPIRED", "IDENTIFICATION_EXPIRED", true],
  ]) {
    test(`${status}: the automatic result is recorded`, async () => {
      const scanRef = await createToken({ dummyStatus: status });

      const delivery = await sim.waitForWebhook(scanRef, { event });

      assert.equal(delivery.state, "DELIVERED", JSON.stringify(delivery.attempts));
      assert.deepEqual(receiver.decisions.get(scanRef), { event, status, final });
    });
  }

  test("a manual review after the automatic result is final", async () => {
    const scanRef = await createToken({ dummyStatus: "APPROVED" });
    await sim.waitForWebhook(scanRef, { event: "IDENTIFICATION_AUTO_FINISHED" });

    const review = await fetch(`${sim.baseUrl}/api/v2/add-dummy-status`, {
      method: "POST",
      headers: { authorization: sim.authorization, "content-type": "application/json" },
      body: JSON.stringify({ scanRef, manualFaceMatchResult: "FACE_MISMATCH", manualDocumentValidity: "DOC_VALIDATED" }),
    });
    assert.equal(review.status, 200);
    const delivery = await sim.waitForWebhook(scanRef, { event: "IDENTIFICATION_MANUAL_FINISHED" });

    assert.equal(delivery.state, "DELIVERED");
    assert.deepEqual(receiver.decisions.get(scanRef), {
      event: "IDENTIFICATION_MANUAL_FINISHED",
      status: "DENIED",
      final: true,
    });
  });

  test("a webhook with a wrong signature is refused", async () => {
    const body = readFileSync(new URL("webhooks/auto/approved.json", FIXTURES));
    const post = (signature) =>
      fetch(`${receiver.url}/webhooks/idenfy`, {
        method: "POST",
        headers: { "content-type": "application/json", "idenfy-signature": signature },
        body,
      });

    assert.equal((await post("0".repeat(64))).status, 401);
    assert.equal((await post(sign(sim.signingKey, body))).status, 204);
  });

  test("every bundled webhook leads to the decision index.json expects", async () => {
    const index = JSON.parse(readFileSync(new URL("index.json", FIXTURES)));
    const webhooks = index.filter((entry) => entry.kind === "webhook");
    assert.ok(webhooks.length > 0);

    for (const { path, expected } of webhooks) {
      const body = readFileSync(new URL(path, FIXTURES));
      const answer = await fetch(`${receiver.url}/webhooks/idenfy`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "idenfy-event-type": expected.event,
          "idenfy-signature": sign(sim.signingKey, body),
        },
        body,
      });

      assert.equal(answer.status, 204, path);
      assert.deepEqual(
        receiver.decisions.get(JSON.parse(body).scanRef),
        { event: expected.event, status: expected.overall, final: expected.final },
        path,
      );
    }
  });

  test("every bundled token request is accepted and answered in the recorded shape", async () => {
    for (const name of readdirSync(new URL("token-requests/", FIXTURES))) {
      const request = JSON.parse(readFileSync(new URL(`token-requests/${name}`, FIXTURES)));
      const recorded = JSON.parse(readFileSync(new URL(`token-responses/${name}`, FIXTURES)));

      const answer = await fetch(`${sim.baseUrl}/api/v2/token`, {
        method: "POST",
        headers: { authorization: sim.authorization, "content-type": "application/json" },
        body: JSON.stringify(request),
      });

      assert.equal(answer.status, 201, name);
      const response = await answer.json();
      assert.deepEqual(Object.keys(response).toSorted(), Object.keys(recorded).toSorted(), name);
      assert.equal(response.clientId, request.clientId, name);
    }
  });
});

describe("the bundled fixtures", () => {
  const signatures = JSON.parse(readFileSync(new URL("webhooks/signatures.json", FIXTURES)));

  test("every webhook body and only it matches its recorded signature", () => {
    const folders = readdirSync(new URL("webhooks/", FIXTURES), { withFileTypes: true }).filter((e) => e.isDirectory());
    const files = folders.flatMap(({ name: folder }) =>
      readdirSync(new URL(`webhooks/${folder}/`, FIXTURES)).map((name) => `${folder}/${name}`),
    );

    assert.deepEqual(files.toSorted(), Object.keys(signatures).toSorted());
    for (const file of files) {
      const body = readFileSync(new URL(`webhooks/${file}`, FIXTURES));
      assert.ok(verify(FIXTURES_SIGNING_KEY, body, signatures[file].signature), file);
      const changed = Buffer.from(body);
      changed[changed.length - 2] ^= 1;
      assert.ok(!verify(FIXTURES_SIGNING_KEY, changed, signatures[file].signature), file);
    }
  });
});
