// A minimal iDenfy webhook receiver on plain node:http: checks `Idenfy-Signature` over the raw
// body and keeps the decision per scanRef. No npm dependencies.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

/** The `Idenfy-Signature` of `body` (a Buffer or string): lower-case hex HMAC-SHA256. */
export function sign(signingKey, body) {
  return createHmac("sha256", signingKey).update(body).digest("hex");
}

/** Whether `signature` is the signature of `body` under `signingKey` (constant time). */
export function verify(signingKey, body, signature) {
  const expected = Buffer.from(sign(signingKey, body));
  const given = Buffer.from(String(signature ?? ""));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Starts the receiver on 127.0.0.1 (a free port unless given). Webhooks go to
 * `${url}/webhooks/idenfy`; `decisions` maps scanRef to { event, status, final }, which
 * `GET ${url}/verifications/<scanRef>` also answers.
 */
export async function startReceiver({ signingKey, port = 0 }) {
  const decisions = new Map();
  const server = createServer(async (request, response) => {
    const probed = request.method === "GET" && request.url.match(/^\/verifications\/([^/]+)$/);
    if (probed) {
      // What this app decided for a verification: the probe `idenfy-testkit fuzz` reads.
      const held = decisions.get(decodeURIComponent(probed[1]));
      response.writeHead(held ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(held ?? {}));
      return;
    }
    if (request.method !== "POST" || request.url !== "/webhooks/idenfy") {
      response.writeHead(404).end();
      return;
    }
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    if (!verify(signingKey, body, request.headers["idenfy-signature"])) {
      response.writeHead(401).end();
      return;
    }
    const result = JSON.parse(body);
    if (!result.status) {
      // DOCUMENT_EXPIRATION and events this receiver does not know: acknowledged, no decision.
      // (Found by `idenfy-testkit fuzz`: this receiver used to crash on them.)
      response.writeHead(204).end();
      return;
    }
    const decision = { event: request.headers["idenfy-event-type"], status: result.status.overall, final: result.final };
    const held = decisions.get(result.scanRef);
    // A manual review is the last word; otherwise a final decision (expiry) is not undone by a
    // late automatic result.
    if (!held?.final || decision.event === "IDENTIFICATION_MANUAL_FINISHED") decisions.set(result.scanRef, decision);
    response.writeHead(204).end();
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    decisions,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
