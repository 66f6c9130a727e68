import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { REGIONS } from "../emulator/regions";
import { Emulator, startEmulator } from "../emulator/server";
import { LinodeError } from "../emulator/store";

interface Answer {
  status: number;
  headers: Headers;
  body: any; // parsed JSON (or text); any keeps the assertions terse
  text: string;
}

interface CallOptions {
  body?: unknown;
  raw?: string;
  token?: string | null;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function call(emu: Emulator, method: string, p: string, o: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  const token = o.token === undefined ? emu.token : o.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined = o.raw;
  if (o.body !== undefined) {
    body = JSON.stringify(o.body);
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(emu.url + p, { method, headers, body, signal: o.signal });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

const KEYS = "/v4/object-storage/keys";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}
const allEndpoints = REGIONS.flatMap((r) => r.endpoints);
const bucket = (region: string, bucket_name = "b1", permissions = "read_only") => ({ region, bucket_name, permissions });
const errorOf = (field: string | undefined, reason?: string) => (a: Answer) => {
  assert.equal(a.status, 400, a.text);
  assert.equal(a.body.errors[0].field, field);
  if (reason) assert.equal(a.body.errors[0].reason, reason);
};

describe("Linode API emulator", function () {
  this.timeout(10000);
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());
  beforeEach(() => emu.reset());

  describe("auth and routing", () => {
    it("answers 401 Invalid Token without or with a wrong bearer token", async () => {
      for (const token of [null, "nope"]) {
        const a = await call(emu, "GET", KEYS, { token });
        assert.equal(a.status, 401);
        assert.deepEqual(a.body, { errors: [{ reason: "Invalid Token" }] });
      }
      assert.deepEqual(
        emu.requests.map((r) => r.authorized),
        [false, false],
      );
    });

    it("accepts any configured token and never records the Authorization header", async () => {
      const other = await startEmulator({ tokens: ["t1", "t2"] });
      try {
        assert.equal(other.token, "t1");
        assert.equal((await call(other, "GET", KEYS, { token: "t2" })).status, 200);
        const rec = other.requests[0];
        assert.equal(rec.authorized, true);
        assert.equal(rec.headers.authorization, undefined);
        assert.ok(!JSON.stringify(other.requests).includes("t2"));
      } finally {
        await other.close();
      }
    });

    it("serves /v4beta too, and 404 Not found for unknown routes and non-integer ids", async () => {
      assert.equal((await call(emu, "GET", "/v4beta/object-storage/keys")).status, 200);
      for (const p of ["/v4/linode/instances", "/v5/object-storage/keys", `${KEYS}/abc`, `${KEYS}/1.5`, "/"]) {
        const a = await call(emu, "GET", p);
        assert.equal(a.status, 404, p);
        assert.deepEqual(a.body, { errors: [{ reason: "Not found" }] });
      }
      assert.equal((await call(emu, "PATCH", `${KEYS}/1`)).status, 404);
    });

    it("sends the live headers: JSON, OAuth scopes and per-method X-RateLimit-Limit", async () => {
      const get = await call(emu, "GET", KEYS);
      assert.equal(get.headers.get("content-type"), "application/json");
      assert.equal(get.headers.get("x-accepted-oauth-scopes"), "object_storage:read_only");
      assert.equal(get.headers.get("x-oauth-scopes"), "*");
      assert.equal(get.headers.get("x-ratelimit-limit"), "1840");
      const post = await call(emu, "POST", KEYS, { body: { label: "abc" } });
      assert.equal(post.headers.get("x-accepted-oauth-scopes"), "object_storage:read_write");
      assert.equal(post.headers.get("x-ratelimit-limit"), "60");
    });

    it("records method, path, query, parsed or raw body and status in arrival order", async () => {
      await call(emu, "GET", `${KEYS}?page=2&page_size=25`);
      await call(emu, "POST", KEYS, { body: { label: "abc" } });
      await call(emu, "POST", KEYS, { raw: "not json" });
      const [a, b, c] = emu.requests;
      assert.deepEqual([a.method, a.path, a.query, a.body, a.status], ["GET", KEYS, { page: "2", page_size: "25" }, undefined, 200]);
      assert.deepEqual([b.body, b.status], [{ label: "abc" }, 200]);
      assert.deepEqual([c.body, c.status], ["not json", 400]);
      assert.ok(a.seq < b.seq && b.seq < c.seq && a.startedAt <= a.endedAt);
      emu.clearRequests();
      assert.equal(emu.requests.length, 0);
    });
  });

  describe("list", () => {
    it("returns an envelope with page 1 of 1 when empty", async () => {
      assert.deepEqual((await call(emu, "GET", KEYS)).body, { data: [], page: 1, pages: 1, results: 0 });
    });

    it("pages in id order, clamps page to 1..pages and redacts secrets", async () => {
      for (let i = 0; i < 30; i++) emu.createDirect({ label: `key-${i}` });
      const ids = emu.keys().map((k) => k.id);
      const p1 = (await call(emu, "GET", `${KEYS}?page_size=25`)).body;
      assert.deepEqual([p1.page, p1.pages, p1.results, p1.data.length], [1, 2, 30, 25]);
      assert.deepEqual(p1.data.map((k: { id: number }) => k.id), ids.slice(0, 25));
      assert.ok(p1.data.every((k: { secret_key: string }) => k.secret_key === "[REDACTED]"));
      const last = (await call(emu, "GET", `${KEYS}?page=99&page_size=25`)).body;
      assert.deepEqual([last.page, last.data.length], [2, 5]);
      assert.equal((await call(emu, "GET", `${KEYS}?page=0&page_size=25`)).body.page, 1);
      const dflt = (await call(emu, "GET", KEYS)).body;
      assert.deepEqual([dflt.pages, dflt.data.length], [1, 30]);
    });

    it("rejects page_size outside 25..500", async () => {
      for (const size of ["24", "501", "abc"]) {
        const a = await call(emu, "GET", `${KEYS}?page_size=${size}`);
        errorOf("page_size", "page_size must be a value between 25 and 500")(a);
      }
      assert.equal((await call(emu, "GET", `${KEYS}?page_size=500`)).status, 200);
    });

    it("refuses any X-Filter with 'Cannot filter on <first key>'", async () => {
      const a = await call(emu, "GET", KEYS, { headers: { "X-Filter": JSON.stringify({ label: "x", id: 1 }) } });
      assert.deepEqual(a.body, { errors: [{ reason: "Cannot filter on label", field: "X-Filter" }] });
    });
  });

  describe("create", () => {
    it("creates an unlimited key with all region endpoints and shows the secret only once", async () => {
      const a = await call(emu, "POST", KEYS, { body: { label: "unlimited" } });
      assert.equal(a.status, 200);
      const k = a.body;
      assert.deepEqual(Object.keys(k), ["id", "label", "access_key", "secret_key", "limited", "bucket_access", "regions"]);
      assert.match(k.access_key, /^[A-Z0-9]{20}$/);
      assert.match(k.secret_key, /^[A-Za-z0-9]{40}$/);
      assert.equal(k.limited, false);
      assert.equal(k.bucket_access, null);
      assert.deepEqual(k.regions, allEndpoints);
      const ids = k.regions.map((r: { id: string }) => r.id);
      assert.deepEqual(ids, [...ids].sort());
      assert.deepEqual(
        k.regions.filter((r: { id: string }) => r.id === "us-ord"),
        [
          { id: "us-ord", s3_endpoint: "us-ord-1.linodeobjects.com", endpoint_type: "E1" },
          { id: "us-ord", s3_endpoint: "us-ord-10.linodeobjects.com", endpoint_type: "E3" },
        ],
      );
      const got = (await call(emu, "GET", `${KEYS}/${k.id}`)).body;
      assert.deepEqual(got, { ...k, secret_key: "[REDACTED]" });
      assert.equal(emu.keys()[0].secret_key, k.secret_key);
    });

    it("gives incrementing ids", async () => {
      const a = (await call(emu, "POST", KEYS, { body: { label: "one" } })).body;
      const b = (await call(emu, "POST", KEYS, { body: { label: "two" } })).body;
      assert.equal(b.id, a.id + 1);
    });

    it("treats bucket_access [] as limited with no regions, null as omitted", async () => {
      const empty = (await call(emu, "POST", KEYS, { body: { label: "none", bucket_access: [] } })).body;
      assert.deepEqual([empty.limited, empty.bucket_access, empty.regions], [true, [], []]);
      const nul = (await call(emu, "POST", KEYS, { body: { label: "null", bucket_access: null } })).body;
      assert.deepEqual([nul.limited, nul.bucket_access, nul.regions.length], [false, null, allEndpoints.length]);
    });

    it("echoes bucket_access in request order with duplicates, live key order and derived cluster", async () => {
      const access = [
        bucket("us-east", "dup", "read_only"),
        bucket("us-east", "dup", "read_write"),
        bucket("au-mel", "mel"),
        bucket("de-fra-2", "fra"),
        { cluster: "us-ord-1", bucket_name: "ord", permissions: "read_write" },
      ];
      const k = (await call(emu, "POST", KEYS, { body: { label: "limited", bucket_access: access } })).body;
      assert.equal(k.limited, true);
      assert.deepEqual(k.bucket_access, [
        { cluster: "us-east-1", bucket_name: "dup", permissions: "read_only", region: "us-east" },
        { cluster: "us-east-1", bucket_name: "dup", permissions: "read_write", region: "us-east" },
        { cluster: "", bucket_name: "mel", permissions: "read_only", region: "au-mel" },
        { cluster: "", bucket_name: "fra", permissions: "read_only", region: "de-fra-2" },
        { cluster: "us-ord-1", bucket_name: "ord", permissions: "read_write", region: "us-ord" },
      ]);
      for (const b of k.bucket_access) assert.deepEqual(Object.keys(b), ["cluster", "bucket_name", "permissions", "region"]);
      assert.deepEqual(
        k.regions.map((r: { id: string; endpoint_type: string }) => `${r.id}:${r.endpoint_type}`),
        ["au-mel:E2", "de-fra-2:E3", "us-east:E0", "us-ord:E1", "us-ord:E3"],
      );
    });

    it("combines requested regions with bucket regions", async () => {
      const k = (
        await call(emu, "POST", KEYS, {
          body: { label: "mixed", regions: ["us-lax", "us-east", "us-lax"], bucket_access: [bucket("us-east")] },
        })
      ).body;
      assert.deepEqual(
        k.regions.map((r: { s3_endpoint: string }) => r.s3_endpoint),
        ["us-east-1.linodeobjects.com", "us-lax-1.linodeobjects.com", "us-lax-4.linodeobjects.com"],
      );
    });

    const invalid: Array<[string, unknown, string, string?]> = [
      ["missing label", {}, "label", "Label must be between 3 and 50 characters."],
      ["short label", { label: "ab" }, "label", "Label must be between 3 and 50 characters."],
      ["long label", { label: "x".repeat(51) }, "label"],
      ["non-string label", { label: 123 }, "label"],
      ["unknown field", { label: "abc", cluster: "us-east-1" }, "cluster"],
      ["bucket_access not an array", { label: "abc", bucket_access: {} }, "bucket_access"],
      ["bad permissions", { label: "abc", bucket_access: [bucket("us-east", "b", "write_only")] }, "bucket_access[0].permissions"],
      ["missing bucket_name", { label: "abc", bucket_access: [{ region: "us-east", permissions: "read_only" }] }, "bucket_access[0].bucket_name"],
      ["unknown region", { label: "abc", bucket_access: [bucket("us-east"), bucket("mars-1")] }, "bucket_access[1].region", "Region not found"],
      ["null region", { label: "abc", bucket_access: [{ ...bucket("us-east"), region: null }] }, "bucket_access[0].region"],
      ["no region or cluster", { label: "abc", bucket_access: [{ bucket_name: "b", permissions: "read_only" }] }, "bucket_access[0].region"],
      ["unknown cluster", { label: "abc", bucket_access: [{ cluster: "au-mel-1", bucket_name: "b", permissions: "read_only" }] }, "bucket_access[0].cluster"],
      ["unknown item field", { label: "abc", bucket_access: [{ ...bucket("us-east"), acl: "x" }] }, "bucket_access[0].acl"],
      ["empty regions", { label: "abc", regions: [] }, "regions"],
      ["regions not an array", { label: "abc", regions: "us-east" }, "regions"],
      ["unknown region id", { label: "abc", regions: ["us-east-1"] }, "regions[0]", "Region not found"],
      ["regions missing a bucket region", { label: "abc", regions: ["us-lax"], bucket_access: [bucket("us-east")] }, "regions"],
    ];
    for (const [name, body, field, reason] of invalid)
      it(`rejects ${name} with 400 on ${field}`, async () => {
        errorOf(field, reason)(await call(emu, "POST", KEYS, { body }));
        assert.equal(emu.keys().length, 0);
      });

    it("rejects a body that is not JSON or not an object", async () => {
      for (const raw of ["{oops", "[1]"]) {
        const a = await call(emu, "POST", KEYS, { raw });
        assert.equal(a.status, 400);
        assert.ok(a.body.errors[0].reason);
      }
    });
  });

  describe("get, update, revoke", () => {
    it("404s a missing key with the live reason", async () => {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const a = await call(emu, method, `${KEYS}/123`, method === "PUT" ? { body: { label: "abc" } } : {});
        assert.equal(a.status, 404);
        assert.deepEqual(a.body, { errors: [{ reason: "The specified access key was not found." }] });
      }
    });

    it("PUT changes the label, keeps bucket_access and redacts the secret", async () => {
      const k = emu.createDirect({ label: "before", bucket_access: [bucket("au-mel")] });
      const a = await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { label: "after" } });
      assert.equal(a.status, 200);
      assert.deepEqual(a.body, { ...k, label: "after", secret_key: "[REDACTED]" });
    });

    it("PUT regions replaces the list and must keep every bucket region", async () => {
      const k = emu.createDirect({ label: "regional", bucket_access: [bucket("au-mel")] });
      const ok = await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { regions: ["us-mia", "au-mel"] } });
      assert.deepEqual(
        ok.body.regions,
        [
          { id: "au-mel", s3_endpoint: "au-mel-1.linodeobjects.com", endpoint_type: "E2" },
          { id: "us-mia", s3_endpoint: "us-mia-1.linodeobjects.com", endpoint_type: "E1" },
        ],
      );
      assert.deepEqual(ok.body.bucket_access, k.bucket_access);
      errorOf("regions")(await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { regions: ["us-mia"] } }));
      assert.equal(emu.keys()[0].regions.length, 2);
    });

    it("PUT regions on an unlimited key narrows it to those regions", async () => {
      const k = emu.createDirect({ label: "unlimited" });
      const a = await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { regions: ["us-ord"] } });
      assert.deepEqual(a.body.regions.map((r: { id: string }) => r.id), ["us-ord", "us-ord"]);
      assert.equal(a.body.bucket_access, null);
    });

    it("PUT rejects fields other than label and regions, and bad values", async () => {
      const k = emu.createDirect({ label: "fixed", bucket_access: [bucket("us-east")] });
      errorOf("bucket_access")(await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { bucket_access: [] } }));
      errorOf("limited")(await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { limited: false } }));
      errorOf("label")(await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { label: "x" } }));
      errorOf("regions")(await call(emu, "PUT", `${KEYS}/${k.id}`, { body: { regions: [] } }));
      assert.deepEqual(emu.keys()[0], k);
    });

    it("DELETE answers {} and then 404", async () => {
      const k = emu.createDirect({ label: "doomed" });
      const a = await call(emu, "DELETE", `${KEYS}/${k.id}`);
      assert.equal(a.status, 200);
      assert.equal(a.text, "{}");
      assert.equal((await call(emu, "DELETE", `${KEYS}/${k.id}`)).status, 404);
      assert.equal((await call(emu, "GET", `${KEYS}/${k.id}`)).status, 404);
    });

    it("out-of-band helpers act on the store without requests", async () => {
      const k = emu.createDirect({ label: "direct" });
      emu.setLabel(k.id, "renamed by someone else");
      assert.equal((await call(emu, "GET", `${KEYS}/${k.id}`)).body.label, "renamed by someone else");
      assert.equal(emu.revoke(k.id), true);
      assert.equal(emu.revoke(k.id), false);
      assert.throws(() => emu.createDirect({ label: "x" }), (e: unknown) => e instanceof LinodeError && e.status === 400);
      assert.throws(() => emu.setLabel(k.id, "gone"));
      assert.equal(emu.requests.length, 1);
    });
  });

  describe("faults", () => {
    it("status: answers without acting, default Linode body, 502 with HTML", async () => {
      emu.inject({ kind: "status", status: 500, method: "POST" });
      const a = await call(emu, "POST", KEYS, { body: { label: "abc" } });
      assert.deepEqual([a.status, a.body], [500, { errors: [{ reason: "Internal Server Error" }] }]);
      assert.equal(emu.keys().length, 0);
      emu.inject({ kind: "status", status: 502, body: "<html><body>Bad Gateway</body></html>" });
      const b = await call(emu, "GET", KEYS);
      assert.equal(b.status, 502);
      assert.equal(b.headers.get("content-type"), "text/html");
      assert.match(b.text, /Bad Gateway/);
      assert.equal((await call(emu, "GET", KEYS)).status, 200, "times defaults to 1");
    });

    it("status: custom headers and body", async () => {
      emu.inject({ kind: "status", status: 400, body: { errors: [{ reason: "Linode busy." }] }, headers: { "X-Test": "1" } });
      const a = await call(emu, "GET", KEYS);
      assert.deepEqual([a.status, a.body, a.headers.get("x-test")], [400, { errors: [{ reason: "Linode busy." }] }, "1"]);
    });

    it("rate-limit: 429 with Retry-After and X-RateLimit-*, or without Retry-After when null", async () => {
      emu.inject({ kind: "rate-limit", retryAfter: 7 });
      emu.inject({ kind: "rate-limit", retryAfter: null });
      const a = await call(emu, "POST", KEYS, { body: { label: "abc" } });
      assert.deepEqual([a.status, a.body], [429, { errors: [{ reason: "Too Many Requests" }] }]);
      assert.equal(a.headers.get("retry-after"), "7");
      assert.equal(a.headers.get("x-ratelimit-limit"), "60");
      assert.equal(a.headers.get("x-ratelimit-remaining"), "0");
      assert.match(a.headers.get("x-ratelimit-reset") ?? "", /^\d+$/);
      const b = await call(emu, "GET", KEYS);
      assert.equal(b.status, 429);
      assert.equal(b.headers.get("retry-after"), null);
      assert.equal(emu.keys().length, 0);
    });

    it("maintenance: 503 with X-Maintenance-Mode", async () => {
      emu.inject({ kind: "maintenance" });
      const a = await call(emu, "GET", KEYS);
      assert.equal(a.status, 503);
      assert.equal(a.headers.get("x-maintenance-mode"), "true");
    });

    it("reset-before: connection drops and nothing is created", async () => {
      emu.inject({ kind: "reset-before", method: "POST" });
      await assert.rejects(call(emu, "POST", KEYS, { body: { label: "abc" } }));
      assert.equal(emu.keys().length, 0);
      assert.equal(emu.requests[0].status, "reset");
    });

    it("reset-after: the key exists although the client saw a dropped connection", async () => {
      emu.inject({ kind: "reset-after", method: "POST", path: "/object-storage/keys" });
      await assert.rejects(call(emu, "POST", KEYS, { body: { label: "orphan" } }));
      assert.deepEqual(emu.keys().map((k) => k.label), ["orphan"]);
      assert.equal(emu.requests[0].status, "reset");
    });

    it("delay: acts at once, answers late; a client timeout is recorded as timeout", async () => {
      emu.inject({ kind: "delay", ms: 300, method: "POST" });
      await assert.rejects(call(emu, "POST", KEYS, { body: { label: "slow" }, signal: AbortSignal.timeout(50) }));
      assert.equal(emu.keys().length, 1);
      await waitFor(() => emu.requests.length === 1);
      assert.equal(emu.requests[0].status, "timeout");
      emu.inject({ kind: "delay", ms: 150 });
      const t0 = Date.now();
      assert.equal((await call(emu, "GET", KEYS)).status, 200);
      assert.ok(Date.now() - t0 >= 140);
    });

    it("act-late: acts after the delay even when the client already left", async () => {
      emu.inject({ kind: "act-late", ms: 200, method: "POST" });
      await assert.rejects(call(emu, "POST", KEYS, { body: { label: "late-key" }, signal: AbortSignal.timeout(50) }));
      assert.equal(emu.keys().length, 0, "nothing yet");
      await waitFor(() => emu.keys().length === 1);
      assert.deepEqual(emu.keys().map((k) => k.label), ["late-key"]);
    });

    it("error-after-create: persists the key, answers 500 and only hits POST /keys", async () => {
      emu.inject({ kind: "error-after-create" });
      assert.equal((await call(emu, "GET", KEYS)).status, 200);
      const a = await call(emu, "POST", "/v4beta/object-storage/keys", { body: { label: "lost-secret" } });
      assert.deepEqual([a.status, a.body], [500, { errors: [{ reason: "Unable to create keys at this time" }] }]);
      assert.deepEqual(emu.keys().map((k) => k.label), ["lost-secret"]);
      assert.equal((await call(emu, "POST", KEYS, { body: { label: "fine" } })).status, 200);
    });

    it("matches by method and RegExp path, honours times and clearFaults", async () => {
      const k = emu.createDirect({ label: "target" });
      emu.inject({ kind: "status", status: 500, method: "delete", path: /\/keys\/\d+$/, times: 2 });
      assert.equal((await call(emu, "GET", `${KEYS}/${k.id}`)).status, 200);
      assert.equal((await call(emu, "DELETE", `${KEYS}/${k.id}`)).status, 500);
      assert.equal((await call(emu, "DELETE", `${KEYS}/${k.id}`)).status, 500);
      assert.equal((await call(emu, "DELETE", `${KEYS}/${k.id}`)).status, 200);
      emu.inject({ kind: "maintenance", times: Infinity });
      for (let i = 0; i < 3; i++) assert.equal((await call(emu, "GET", KEYS)).status, 503);
      emu.clearFaults();
      assert.equal((await call(emu, "GET", KEYS)).status, 200);
    });
  });

  describe("pause and resume", () => {
    it("holds requests until resume, then answers them", async () => {
      emu.pause();
      let settled = false;
      const pending = call(emu, "POST", KEYS, { body: { label: "held" } }).finally(() => (settled = true));
      await sleep(150);
      assert.equal(settled, false);
      assert.equal(emu.keys().length, 0);
      emu.resume();
      assert.equal((await pending).status, 200);
      assert.equal(emu.keys().length, 1);
    });

    it("drops held requests whose client gave up", async () => {
      emu.pause();
      await assert.rejects(call(emu, "POST", KEYS, { body: { label: "gone" }, signal: AbortSignal.timeout(80) }));
      await waitFor(() => emu.requests.length === 1);
      emu.resume();
      assert.equal(emu.requests[0].status, "timeout");
      assert.equal(emu.keys().length, 0);
    });
  });

  describe("write rate limit", () => {
    it("429s writes past the limit in the window with an integer Retry-After, then recovers", async () => {
      const limited = await startEmulator({ writeLimit: { limit: 2, windowMs: 600 } });
      try {
        const first = await call(limited, "POST", KEYS, { body: { label: "one" } });
        assert.equal(first.headers.get("x-ratelimit-limit"), "2");
        assert.equal(first.headers.get("x-ratelimit-remaining"), "1");
        assert.equal((await call(limited, "POST", KEYS, { body: { label: "two" } })).status, 200);
        const third = await call(limited, "DELETE", `${KEYS}/${first.body.id}`);
        assert.equal(third.status, 429);
        assert.equal(third.headers.get("retry-after"), "1");
        assert.equal(third.headers.get("x-ratelimit-remaining"), "0");
        assert.equal(limited.stats.rateLimited, 1);
        assert.equal((await call(limited, "GET", KEYS)).status, 200, "reads are not limited");
        assert.equal(limited.keys().length, 2);
        await sleep(650);
        assert.equal((await call(limited, "DELETE", `${KEYS}/${first.body.id}`)).status, 200);
      } finally {
        await limited.close();
      }
    });
  });

  describe("lifecycle and CLI", () => {
    it("close() ends held connections", async () => {
      const temp = await startEmulator();
      temp.pause();
      const pending = call(temp, "GET", KEYS);
      await sleep(50);
      await temp.close();
      await assert.rejects(pending);
    });

    it("main.js prints its URL, serves with the LINODE_TOKEN token and exits on SIGTERM", async () => {
      const child = spawn(process.execPath, [path.join(__dirname, "../emulator/main.js"), "--port", "0"], {
        env: { ...process.env, LINODE_TOKEN: "cli-token" },
        stdio: ["ignore", "pipe", "inherit"],
      });
      const line = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes("\n")) resolve(out.split("\n")[0]);
        });
        child.once("exit", () => reject(new Error(`exited early: ${out}`)));
      });
      const m = /^Linode API emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      assert.ok(m, line);
      const res = await fetch(`${m[1]}${KEYS}`, { headers: { Authorization: "Bearer cli-token" } });
      assert.equal(res.status, 200);
      await res.text();
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
    });
  });
});
