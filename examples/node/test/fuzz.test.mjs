// The receiver's webhook endpoint under `idenfy-testkit fuzz`: sequences of genuine webhooks in
// every order iDenfy may send them, and the decision it keeps, read back through
// `GET /verifications/<scanRef>`.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fuzz } from "../fuzz.mjs";
import { startReceiver } from "../receiver.mjs";

test("the receiver keeps the right decision whatever arrives, in whatever order", async () => {
  const signingKey = "node-fuzz-key";
  const receiver = await startReceiver({ signingKey });
  try {
    const result = await fuzz({
      to: `${receiver.url}/webhooks/idenfy`,
      signingKey,
      probe: `${receiver.url}/verifications/{scanRef}`,
      seed: 7,
    });
    assert.ok(result.passed, `idenfy-testkit fuzz found a failing case:\n${result.log}`);
    assert.equal(result.report.casesPassed, 100);
  } finally {
    await receiver.close();
  }
});
