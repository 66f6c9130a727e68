import { strict as assert } from "node:assert";
import fc from "fast-check";
import type { Outcome } from "../../provider/http-attempt";
import { backoffMs, classify, retryAfterMs } from "../../provider/retry-policy";

const response = (status: number, headers: Record<string, string> = {}, body?: unknown): Outcome => ({ kind: "response", status, headers, body, text: "" });
const network = (code: string): Outcome => ({ kind: "network", code });
const tls = (code: string): Outcome => ({ kind: "tls", code });

describe("client: the retry rule", () => {
  const table: [string, Outcome, string, string][] = [
    // outcome, verdict for POST, verdict for GET/PUT/DELETE
    ["200", response(200), "done", "done"],
    ["429", response(429), "retry", "retry"],
    // A proxy timing out sends these after the API acted: a POST is re-sent only once no new key shows.
    ["408", response(408), "ambiguous", "retry"],
    ["503", response(503), "ambiguous", "retry"],
    ["503 maintenance", response(503, { "x-maintenance-mode": "true" }), "fail", "fail"],
    ["400 Linode busy.", response(400, {}, { errors: [{ reason: "Linode busy." }] }), "retry", "retry"],
    ["400", response(400, {}, { errors: [{ reason: "Label must be between 3 and 50 characters.", field: "label" }] }), "fail", "fail"],
    ["401", response(401), "fail", "fail"],
    ["404", response(404), "fail", "fail"],
    ["500", response(500), "ambiguous", "retry"],
    ["502", response(502), "ambiguous", "retry"],
    ["ECONNREFUSED (never sent)", network("ECONNREFUSED"), "retry", "retry"],
    ["ENOTFOUND (never sent)", network("ENOTFOUND"), "retry", "retry"],
    ["ECONNRESET", network("ECONNRESET"), "ambiguous", "retry"],
    ["timeout", network("ETIMEDOUT"), "ambiguous", "retry"],
    // The handshake failed before any byte of the request: nothing to retry, nothing ambiguous.
    ["TLS self-signed certificate", tls("DEPTH_ZERO_SELF_SIGNED_CERT"), "fail", "fail"],
    ["TLS to a plain-HTTP port", tls("ERR_SSL_WRONG_VERSION_NUMBER"), "fail", "fail"],
    ["answer too large", { kind: "too-large" }, "ambiguous", "fail"],
    ["exception inside the HTTP client", { kind: "internal", detail: "TypeError" }, "fail", "fail"],
  ];
  for (const [name, outcome, post, others] of table) {
    it(`${name}: POST ${post}, GET/PUT/DELETE ${others}`, () => {
      assert.equal(classify("POST", outcome).action, post);
      for (const m of ["GET", "PUT", "DELETE"]) assert.equal(classify(m, outcome).action, others);
    });
  }

  it("a 408 or 503 to a POST may be re-sent; a 500 or a reset may not", () => {
    assert.deepEqual(classify("POST", response(503)), { action: "ambiguous", mayStillRun: false });
    assert.deepEqual(classify("POST", response(408)), { action: "ambiguous", mayStillRun: false });
    assert.deepEqual(classify("POST", response(500)), { action: "ambiguous", mayStillRun: false });
    assert.deepEqual(classify("POST", network("ECONNRESET")), { action: "ambiguous", mayStillRun: true });
  });

  it("honours Retry-After in seconds or as a date, clamped to the configured bounds", () => {
    assert.equal(retryAfterMs("3"), 3000);
    assert.equal(retryAfterMs("3", { min: 100, max: 1000 }), 1000);
    assert.equal(retryAfterMs("0", { min: 100, max: 1000 }), 100);
    assert.equal(retryAfterMs(undefined), undefined);
    assert.equal(retryAfterMs("soon"), undefined);
    const inTwo = new Date(Date.now() + 2000).toUTCString();
    assert.ok(Math.abs(retryAfterMs(inTwo)! - 2000) <= 1000);
    assert.equal((classify("POST", response(429, { "retry-after": "7" }), { min: 0, max: 60000 }) as { waitMs?: number }).waitMs, 7000);
  });

  it("backs off exponentially from min, never above max, never below half the step", () => {
    fc.assert(
      fc.property(
        fc.nat(20),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 100000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (attempt, min, extra, r) => {
          const max = min + extra;
          const ceiling = Math.min(max, min * 2 ** attempt);
          const wait = backoffMs(attempt, min, max, () => r);
          return wait <= Math.ceil(ceiling) && wait >= Math.floor(ceiling / 2);
        },
      ),
    );
  });
});
